// SPDX-License-Identifier: GPL-3.0-or-later
// Integration: wisp.patch with project context (docs/protocol.md, Project context) through the
// real lamp and the fake upstream: other files in the prompt, one diff for several files that
// applies from the project root, edits to files not given retried, and every changed file checked.
#include "support/upstream_fixture.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace lamp;
using namespace std::chrono_literals;
using harness::UpstreamTest;
using proto::json;

namespace {

const std::string kApp = "from lib.util import area\n\n# print the area of a 2x3 box with the helper\nprint(0)\n";
const std::string kUtil = "def area(w, h):\n    return w * h\n";

const std::string kTwoFileReply =
    "Gave the helper a default and used it.\n\n"
    "lib/util.py\n```python\n<<<<<<< SEARCH\ndef area(w, h):\n=======\ndef area(w, h=1):\n>>>>>>> REPLACE\n```\n\n"
    "src/app.py\n```python\n<<<<<<< SEARCH\n# print the area of a 2x3 box with the helper\nprint(0)\n=======\n"
    "print(area(2, 3))\n>>>>>>> REPLACE\n```\n";

json context_params(const std::string& root = "/home/u/proj") {
  const auto start = static_cast<std::int64_t>(kApp.find("# print")) + 1;
  const auto end = static_cast<std::int64_t>(kApp.find("print(0)")) + 1;
  return {{"file_path", root + "/src/app.py"},
          {"language", "python"},
          {"comment_style", "# "},
          {"selection", {{"start_pos", start}, {"end_pos", end}}},
          {"buffer_text", kApp},
          {"context", {{"project_root", root}, {"repo_map", false}}},
          {"files", {{{"path", "lib/util.py"}, {"text", kUtil}}}}};
}

// Writes `files` (REL -> text) under a fresh directory, applies `diff` there with `patch -p1`
// after `git apply --check`, and returns each file's text afterwards (or "<failed: step>").
std::map<std::string, std::string> apply_in_tree(const std::map<std::string, std::string>& files, const std::string& diff) {
  harness::TempDir dir;
  for (const auto& [rel, text] : files) {
    std::filesystem::create_directories(std::filesystem::path(dir.file(rel)).parent_path());
    std::ofstream(dir.file(rel), std::ios::binary) << text;
  }
  std::ofstream(dir.file("change.diff"), std::ios::binary) << diff;
  std::map<std::string, std::string> out;
  const std::string cd = "cd '" + dir.path() + "' && ";
  if (std::system((cd + "git apply --check change.diff").c_str()) != 0) return {{"", "<failed: git apply --check>"}};
  if (std::system((cd + "patch -p1 --quiet < change.diff").c_str()) != 0) return {{"", "<failed: patch -p1>"}};
  for (const auto& [rel, text] : files) out[rel] = harness::read_file(dir.file(rel));
  return out;
}

// A project on disk: src/app.py (kApp, whose comment uses `area`), lib/util.py (kUtil) and an
// unrelated lib/geometry.py, in a git work tree.
struct Project {
  harness::TempDir dir;
  Project() {
    for (const auto& [rel, text] : std::map<std::string, std::string>{
             {"src/app.py", kApp}, {"lib/util.py", kUtil}, {"lib/geometry.py", "def volume(w, h, d):\n    return w * h * d\n"}}) {
      std::filesystem::create_directories(std::filesystem::path(dir.file(rel)).parent_path());
      std::ofstream(dir.file(rel), std::ios::binary) << text;
    }
    const std::string cmd = "cd '" + dir.path() + "' && git init -q && git add .";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
};

std::string first_prompt(const json& log) { return log["requests"][0]["body"]["messages"][1]["content"]; }

}  // namespace

using WispContextTest = UpstreamTest;

TEST_F(WispContextTest, OneDiffChangesTwoFilesAndAppliesFromTheProjectRoot) {
  start();
  fake.enqueue({{"content", kTwoFileReply}});
  auto c = client();
  auto reply = call_raw(c, context_params(), nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  const auto& r = reply["result"];
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["files_changed"], json::array({"src/app.py", "lib/util.py"}));
  const std::string patch = r["patch"];
  EXPECT_EQ(patch.rfind("--- a/src/app.py\n", 0), 0u) << patch;
  const auto after = apply_in_tree({{"src/app.py", kApp}, {"lib/util.py", kUtil}}, patch);
  EXPECT_EQ(after, (std::map<std::string, std::string>{{"src/app.py", "from lib.util import area\n\nprint(area(2, 3))\n"},
                                                        {"lib/util.py", "def area(w, h=1):\n    return w * h\n"}}));
  // Both files were checked, and the model saw the other file with its path.
  EXPECT_EQ(r["check"]["ok"], true) << r;
  ASSERT_EQ(r["check"]["files"].size(), 2u) << r;
  EXPECT_EQ(r["check"]["files"][1]["file"], "lib/util.py");
  const std::string prompt = proto::dump(fake.log()["requests"][0]["body"]["messages"]);
  EXPECT_NE(prompt.find("File: lib/util.py"), std::string::npos) << prompt;
}

TEST_F(WispContextTest, AnEditToAFileNotGivenIsAskedAgain) {
  start();
  const std::string stray = "lib/geometry.py\n<<<<<<< SEARCH\ndef area(w, h):\n=======\ndef area(w, h=1):\n>>>>>>> REPLACE\n";
  fake.enqueue(json::array({{{"content", stray}}, {{"content", kTwoFileReply}}}));
  auto c = client();
  std::vector<json> notes;
  auto reply = call_raw(c, context_params(), &notes, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["files_changed"].size(), 2u);
  const json log = fake.log();
  ASSERT_EQ(log["total"], 2);
  const std::string retry = proto::dump(log["requests"][1]["body"]["messages"]);
  EXPECT_NE(retry.find("lib/geometry.py\\\", a file you were not given"), std::string::npos) << retry;
}

TEST_F(WispContextTest, ABrokenOtherFileUsesTheCorrectiveRetry) {
  start();
  const std::string breaks =
      "lib/util.py\n<<<<<<< SEARCH\ndef area(w, h):\n=======\ndef area(w, h=1:\n>>>>>>> REPLACE\n";
  fake.enqueue(json::array({{{"content", breaks}}, {{"content", kTwoFileReply}}}));
  auto c = client();
  auto reply = call_raw(c, context_params(), nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["check"]["retried"], true) << reply;
  const std::string retry = proto::dump(fake.log()["requests"][1]["body"]["messages"]);
  EXPECT_NE(retry.find("In lib/util.py:"), std::string::npos) << retry;
}

TEST_F(WispContextTest, BadFilesAreInvalidParamsWithoutAnUpstreamCall) {
  start();
  auto c = client();
  auto params = context_params();
  params["files"][0]["path"] = "../secrets.py";
  auto reply = call_raw(c, params, nullptr, 10s, "wisp.patch");
  EXPECT_EQ(reply["error"]["code"], -32602);
  EXPECT_NE(proto::dump(reply).find("files[0].path"), std::string::npos) << reply;
  EXPECT_EQ(fake.log()["total"], 0);
}

TEST_F(WispContextTest, NoChangeListsNoFiles) {
  start();
  fake.enqueue({{"content", "NO CHANGE: the helper is already used"}});
  auto c = client();
  auto reply = call_raw(c, context_params(), nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["ok"], false);
  EXPECT_EQ(reply["result"]["files_changed"], json::array());
}

TEST_F(WispContextTest, TheRepoMapShowsTheProjectsDefinitionsUnlessTurnedOff) {
  start();
  Project project;
  const std::string own = "<<<<<<< SEARCH\nprint(0)\n=======\nprint(area(2, 3))\n>>>>>>> REPLACE\n";
  fake.enqueue(json::array({{{"content", own}}, {{"content", own}}}));
  auto c = client();
  auto params = context_params(project.dir.path());
  params["files"] = json::array();
  params["context"].erase("repo_map");
  ASSERT_TRUE(call_raw(c, params, nullptr, 30s, "wisp.patch").contains("result"));
  params["context"]["repo_map"] = false;
  ASSERT_TRUE(call_raw(c, params, nullptr, 30s, "wisp.patch").contains("result"));
  const json log = fake.log();
  const std::string with_map = first_prompt(log);
  EXPECT_NE(with_map.find("The project's map"), std::string::npos) << with_map;
  // The file defining the name the comment's file uses comes first; the request's own file is not listed.
  const auto util = with_map.find("lib/util.py\n  def area(w, h)");
  const auto geometry = with_map.find("lib/geometry.py\n  def volume(w, h, d)");
  ASSERT_NE(util, std::string::npos) << with_map;
  ASSERT_NE(geometry, std::string::npos) << with_map;
  EXPECT_LT(util, geometry);
  EXPECT_EQ(with_map.find("src/app.py\n  "), std::string::npos);
  const std::string without = log["requests"][1]["body"]["messages"][1]["content"];
  EXPECT_EQ(without.find("The project's map"), std::string::npos) << without;
  // server.describe says what builds it.
  const json d = c.call("server.describe", json::object());
  EXPECT_EQ(d["context"]["repo_map"]["available"], true) << d;
  EXPECT_EQ(d["context"]["repo_map"]["max_bytes"], 4096);
  EXPECT_EQ(d["context"]["repo_map"]["status"].get<std::string>().rfind("universal-ctags", 0), 0u) << d;
  EXPECT_EQ(d["context"]["full_file_bytes"], 24576);
}

TEST_F(WispContextTest, ABigFileIsAnExcerptAndTheDiffIsAgainstTheWholeText) {
  start({{"LAMP_FULL_FILE_BYTES", "4096"}});
  // 400 small functions; the comment sits in the middle of one of them.
  std::string big;
  for (int i = 0; i < 400; ++i) {
    big += "def f" + std::to_string(i) + "(x):\n";
    if (i == 200) big += "    # TODO: double it\n";
    big += "    return x + " + std::to_string(i) + "\n\n\n";
  }
  const std::string comment = "    # TODO: double it\n";
  const std::string reply = "Doubled.\n<<<<<<< SEARCH\n" + comment + "    return x + 200\n=======\n    return 2 * (x + 200)\n>>>>>>> REPLACE\n";
  fake.enqueue({{"content", reply}});
  auto c = client();
  auto params = context_params();
  params["buffer_text"] = big;
  params["files"] = json::array();
  params["selection"] = {{"start_pos", static_cast<std::int64_t>(big.find(comment)) + 1},
                         {"end_pos", static_cast<std::int64_t>(big.find(comment) + comment.size()) + 1}};
  auto result = call_raw(c, params, nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(result.contains("result")) << result;
  const std::string prompt = first_prompt(fake.log());
  EXPECT_NE(prompt.find("too long to show whole"), std::string::npos);
  EXPECT_NE(prompt.find("def f200(x):"), std::string::npos);
  EXPECT_EQ(prompt.find("return x + 7\n"), std::string::npos) << "far lines are left out";
  EXPECT_LT(prompt.size(), big.size() / 2);
  std::string doubled = big;
  doubled.replace(doubled.find(comment), comment.size() + std::string("    return x + 200\n").size(), "    return 2 * (x + 200)\n");
  EXPECT_EQ(apply_in_tree({{"src/app.py", big}}, result["result"]["patch"]), (std::map<std::string, std::string>{{"src/app.py", doubled}}));
}

TEST_F(WispContextTest, ABigContextFileShowsTheDefinitionsTheRequestUses) {
  start({{"LAMP_FULL_FILE_BYTES", "4096"}});
  std::string util;
  for (int i = 0; i < 300; ++i) {
    util += "def helper" + std::to_string(i) + "(x):\n    return x + " + std::to_string(i) + "\n\n\n";
    if (i == 150) util += kUtil + "\n\n";
  }
  const std::string reply = "lib/util.py\n<<<<<<< SEARCH\ndef area(w, h):\n=======\ndef area(w, h=1):\n>>>>>>> REPLACE\n";
  fake.enqueue({{"content", reply}});
  auto c = client();
  auto params = context_params();
  params["files"] = {{{"path", "lib/util.py"}, {"text", util}}};
  auto result = call_raw(c, params, nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(result.contains("result")) << result;
  const std::string prompt = first_prompt(fake.log());
  const auto shown = prompt.find("File: lib/util.py");
  ASSERT_NE(shown, std::string::npos);
  EXPECT_NE(prompt.find("\tdef area(w, h):\n", shown), std::string::npos) << prompt.substr(shown, 3000);
  EXPECT_EQ(prompt.find("return x + 7\n", shown), std::string::npos) << "unused definitions are left out";
  EXPECT_NE(prompt.find("... ", shown), std::string::npos) << "an outline of the rest";
  std::string edited = util;
  edited.replace(edited.find("def area(w, h):"), 15, "def area(w, h=1):");
  EXPECT_EQ(apply_in_tree({{"src/app.py", kApp}, {"lib/util.py", util}}, result["result"]["patch"]),
            (std::map<std::string, std::string>{{"src/app.py", kApp}, {"lib/util.py", edited}}));
}
