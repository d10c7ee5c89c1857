// SPDX-License-Identifier: GPL-3.0-or-later
// Integration: `lamp patch FILE --line L` from a shell (the comment block at that line, a diff
// that GNU patch and git apply take), its errors, and `lamp --version`.
#include "patch/support/real_tools.hpp"
#include "support/upstream_fixture.hpp"

#include <filesystem>
#include <fstream>

using namespace lamp;
using harness::UpstreamTest;
using proto::json;

namespace {

const std::string kCalc =
    "def add(a, b):\n"
    "    # TODO: return the sum of a and b,\n"
    "    # or None when either is None\n"
    "    pass\n";
const std::string kReply =
    "<<<<<<< SEARCH\n    # TODO: return the sum of a and b,\n    # or None when either is None\n    pass\n=======\n"
    "    if a is None or b is None:\n        return None\n    return a + b\n>>>>>>> REPLACE\n";
const std::string kCalcDone =
    "def add(a, b):\n    if a is None or b is None:\n        return None\n    return a + b\n";

}  // namespace

class PatchCliTest : public UpstreamTest {
 protected:
  // Runs `lamp ARGS` in the project directory, with src/calc.py in it.
  harness::CommandResult lamp_in_project(const std::vector<std::string>& args) {
    std::filesystem::create_directories(project.file("src"));
    std::ofstream(project.file("src/calc.py"), std::ios::binary) << kCalc;
    std::string cmd = "cd '" + project.path() + "' && '" + LAMP_BINARY + "'";
    for (const auto& a : args) cmd += " '" + a + "'";
    cmd += " --socket '" + server->socket() + "' >out 2>err";
    harness::CommandResult r;
    r.exit_code = WEXITSTATUS(std::system(cmd.c_str()));
    r.out = harness::read_file(project.file("out"));
    r.err = harness::read_file(project.file("err"));
    all_output += r.out + r.err;
    return r;
  }

  harness::TempDir project;
};

TEST_F(PatchCliTest, LineSelectsTheWholeCommentBlockAndPrintsADiff) {
  start();
  for (const std::string line : {"2", "3"}) {
    SCOPED_TRACE("--line " + line);
    fake.enqueue({{"content", kReply}});
    const auto r = lamp_in_project({"patch", "src/calc.py", "--line", line});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("--- a/src/calc.py\n+++ b/src/calc.py\n", 0), 0u) << r.out;
    EXPECT_TRUE(patch::testing::applies_with_real_tools(kCalc, "src/calc.py", r.out, kCalcDone));
  }
  // What the model was shown: both comment lines selected, nothing else.
  const std::string prompt = fake.log()["requests"][1]["body"]["messages"][1]["content"];
  EXPECT_NE(prompt.find("    [[WISP-SELECTION-BEGIN]]# TODO: return the sum of a and b,\n"
                        "    # or None when either is None\n[[WISP-SELECTION-END]]    pass\n"),
            std::string::npos)
      << prompt;
}

TEST_F(PatchCliTest, DiagnosticsTheRetryCouldNotFixAreOnStderrAsFileLineMessage) {
  start();
  const std::string broken =
      "<<<<<<< SEARCH\n    # TODO: return the sum of a and b,\n    # or None when either is None\n    pass\n=======\n"
      "    return (a + b\n>>>>>>> REPLACE\n";
  fake.enqueue(json::array({{{"content", broken}}, {{"content", broken}}}));
  const auto r = lamp_in_project({"patch", "src/calc.py", "--line", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("+    return (a + b\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("src/calc.py:2: '(' was never closed\n"), std::string::npos) << r.err;
  EXPECT_EQ(fake.log()["total"], 2) << "the check asked once more";
}

TEST_F(PatchCliTest, ALineWithoutACommentIsAClearErrorWithoutAModelCall) {
  start();
  auto r = lamp_in_project({"patch", "src/calc.py", "--line", "4"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("line 4 of src/calc.py holds no python comment"), std::string::npos) << r.err;
  r = lamp_in_project({"patch", "src/calc.py", "--line", "40"});
  EXPECT_EQ(r.exit_code, 1);
  r = lamp_in_project({"patch", "src/calc.py"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--line"), std::string::npos) << r.err;
  r = lamp_in_project({"patch", "src/calc.py", "--line", "2", "--start", "1", "--end", "5"});
  EXPECT_NE(r.exit_code, 0);
  r = lamp_in_project({"patch", "src/calc.py", "--start", "1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(fake.log()["total"], 0);
}

TEST_F(PatchCliTest, StartAndEndStillWork) {
  start();
  fake.enqueue({{"content", kReply}});
  const auto begin = kCalc.find("# TODO");
  const auto end = kCalc.find("    pass");
  const auto r = lamp_in_project({"patch", "src/calc.py", "--start", std::to_string(begin + 1), "--end",
                                  std::to_string(end + 1)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(patch::testing::applies_with_real_tools(kCalc, "src/calc.py", r.out, kCalcDone));
}

TEST_F(PatchCliTest, VersionMatchesServerDescribe) {
  start();
  const auto r = harness::run_lamp({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto c = client();
  const std::string version = c.call("server.describe")["version"];
  EXPECT_FALSE(version.empty());
  EXPECT_EQ(r.out, "lamp " + version + "\n");
}

TEST_F(PatchCliTest, AllMarkedSendsEveryMarkedCommentAsSelections) {
  start();
  const std::string marked =
      "# wisp: import os\n"
      "# (at the top)\n"
      "# a plain comment\n"
      "s = \"# wisp: not a comment\"\n"
      "def f(x):\n"
      "    # what is this AI?\n"
      "    return x * 2  # use a shift AI!\n"
      "\n"
      "def g():\n"
      "    # TODO: later\n"
      "    // WISP: nope, not python\n"
      "    # WISP: return one\n"
      "    pass\n";
  std::filesystem::create_directories(project.file("src"));
  std::ofstream(project.file("src/marked.py"), std::ios::binary) << marked;
  fake.enqueue({{"content", "1: done\n2: NO CHANGE: fine\n3: done\n"
                            "<<<<<<< SEARCH\n    pass\n=======\n    return 1\n>>>>>>> REPLACE\n"}});
  const auto r = lamp_in_project({"patch", "src/marked.py", "--all-marked"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("--- a/src/marked.py\n+++ b/src/marked.py\n", 0), 0u) << r.out;
  const json log = fake.log();
  ASSERT_EQ(log["total"], 1);
  const std::string prompt = log["requests"][0]["body"]["messages"][1]["content"];
  // The block from the marked line down (with its newline), the trailing comment alone, and the
  // marked line below an unmarked comment on its own.
  EXPECT_NE(prompt.find("[[WISP-SELECTION-BEGIN 1]]\n# wisp: import os\n# (at the top)\n# a plain comment\n"
                        "[[WISP-SELECTION-END 1]]\n"),
            std::string::npos)
      << prompt;
  EXPECT_NE(prompt.find("    return x * 2  [[WISP-SELECTION-BEGIN 2]]# use a shift AI![[WISP-SELECTION-END 2]]\n"),
            std::string::npos)
      << prompt;
  EXPECT_NE(prompt.find("    [[WISP-SELECTION-BEGIN 3]]# WISP: return one\n[[WISP-SELECTION-END 3]]    pass\n"),
            std::string::npos)
      << prompt;
  EXPECT_EQ(prompt.find("[[WISP-SELECTION-BEGIN 4]]"), std::string::npos) << prompt;
  EXPECT_NE(prompt.find("Comment 1 (line 1): import os\n  (at the top)\n  a plain comment"), std::string::npos) << prompt;
}

TEST_F(PatchCliTest, AllMarkedWithoutAMarkedCommentIsExit1WithoutAModelCall) {
  start();
  auto r = lamp_in_project({"patch", "src/calc.py", "--all-marked"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("src/calc.py has no marked python comment"), std::string::npos) << r.err;
  r = lamp_in_project({"patch", "src/calc.py", "--all-marked", "--line", "2"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(fake.log()["total"], 0);
}
