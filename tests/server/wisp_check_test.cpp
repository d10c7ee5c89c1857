// SPDX-License-Identifier: GPL-3.0-or-later
// Integration: wisp.patch checks the proposed file before answering (docs/protocol.md, Checks),
// through the real lamp and the fake upstream: a reply that breaks Python is sent back once
// with the checker's message and the fix is returned; two broken replies return the first with
// its diagnostic; `check: false` asks once and checks nothing.
#include "support/upstream_fixture.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace lamp;
using namespace std::chrono_literals;
using harness::UpstreamTest;
using proto::json;

namespace {

const std::string kBuffer =
    "def add(a, b):\n"
    "    # TODO: return the sum of a and b (wisp-check-test)\n"
    "    pass\n"
    "\n"
    "print(add(1, 2))\n";

std::string block(const std::string& replace) {
  return "Done.\n<<<<<<< SEARCH\n    # TODO: return the sum of a and b (wisp-check-test)\n    pass\n=======\n" +
         replace + ">>>>>>> REPLACE\n";
}

// Line 2 becomes `return (a + b` : "'(' was never closed" at line 2.
const std::string kBrokenReply = block("    return (a + b\n");
const std::string kOtherBrokenReply = block("    return a +\n");
const std::string kFixedReply = block("    return a + b\n");

json patch_params(const std::string& file = "/home/u/proj/src/calc.py", const std::string& language = "python",
                  const std::string& buffer = kBuffer) {
  const auto start = static_cast<std::int64_t>(buffer.find("# TODO")) + 1;
  const auto end = static_cast<std::int64_t>(buffer.find("    pass")) + 1;
  return {{"file_path", file},
          {"language", language},
          {"comment_style", "line"},
          {"selection", {{"start_pos", start}, {"end_pos", end}}},
          {"buffer_text", buffer},
          {"context", {{"project_root", "/home/u/proj"}}}};
}

}  // namespace

using WispCheckTest = UpstreamTest;

TEST_F(WispCheckTest, ABrokenReplyIsRetriedWithTheCheckersMessageAndTheFixReturned) {
  start();
  fake.enqueue(json::array({{{"content", kBrokenReply}}, {{"content", kFixedReply}}}));
  auto c = client();
  std::vector<json> notes;
  auto reply = call_raw(c, patch_params(), &notes, 60s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  const auto& r = reply["result"];
  EXPECT_EQ(r["ok"], true);
  EXPECT_NE(r["patch"].get<std::string>().find("+    return a + b\n"), std::string::npos) << r;
  EXPECT_EQ(r["diagnostics"], json::array()) << r;
  EXPECT_EQ(r["check"]["language"], "python");
  EXPECT_EQ(r["check"]["ok"], true);
  EXPECT_EQ(r["check"]["original_ok"], true);
  EXPECT_EQ(r["check"]["retried"], true);
  const json log = fake.log();
  ASSERT_EQ(log["total"], 2);
  const json& retry = log["requests"][1]["body"]["messages"];
  const std::string said = retry.back()["content"];
  EXPECT_NE(said.find("no longer parses"), std::string::npos) << said;
  EXPECT_NE(said.find("line 2: '(' was never closed"), std::string::npos) << said;
  EXPECT_NE(said.find(">     2 |     return (a + b"), std::string::npos) << "the line is quoted: " << said;
  EXPECT_EQ(retry[retry.size() - 2]["content"], kBrokenReply) << "the broken reply is the model's own turn";
  std::set<std::string> stages;
  for (auto& n : notes) stages.insert(n["params"].value("stage", ""));
  EXPECT_TRUE(stages.count("checking")) << json(notes);
}

TEST_F(WispCheckTest, TwoBrokenRepliesReturnTheFirstWithItsDiagnostic) {
  start();
  fake.enqueue(json::array({{{"content", kBrokenReply}}, {{"content", kOtherBrokenReply}}}));
  auto c = client();
  auto reply = call_raw(c, patch_params(), nullptr, 60s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  const auto& r = reply["result"];
  EXPECT_EQ(r["ok"], true);
  EXPECT_NE(r["patch"].get<std::string>().find("+    return (a + b\n"), std::string::npos) << "the first: " << r;
  ASSERT_EQ(r["diagnostics"].size(), 1u) << r;
  EXPECT_EQ(r["diagnostics"][0]["file"], "src/calc.py");
  EXPECT_EQ(r["diagnostics"][0]["line"], 2);
  EXPECT_EQ(r["diagnostics"][0]["message"], "'(' was never closed");
  EXPECT_EQ(r["check"]["ok"], false);
  EXPECT_EQ(fake.log()["total"], 2);
}

TEST_F(WispCheckTest, AnUnusableRetryKeepsTheFirstProposal) {
  start();
  fake.enqueue(json::array({{{"content", kBrokenReply}}, {{"content", "I cannot help with that."}}}));
  auto c = client();
  auto reply = call_raw(c, patch_params(), nullptr, 60s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["diagnostics"].size(), 1u) << reply;
  EXPECT_EQ(fake.log()["total"], 2);
}

TEST_F(WispCheckTest, CheckFalseAsksOnceAndChecksNothing) {
  start();
  fake.enqueue(json::array({{{"content", kBrokenReply}}, {{"content", kFixedReply}}}));
  auto c = client();
  auto params = patch_params();
  params["check"] = false;
  std::vector<json> notes;
  auto reply = call_raw(c, params, &notes, 60s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["diagnostics"], json::array());
  EXPECT_EQ(reply["result"]["check"]["skipped"], "turned off (\"check\": false)");
  EXPECT_NE(reply["result"]["patch"].get<std::string>().find("+    return (a + b\n"), std::string::npos);
  EXPECT_EQ(fake.log()["total"], 1);
  for (auto& n : notes) EXPECT_NE(n["params"].value("stage", ""), "checking");
}

TEST_F(WispCheckTest, ANonBooleanCheckIsInvalidParams) {
  start();
  auto c = client();
  auto params = patch_params();
  params["check"] = "no";
  auto reply = call_raw(c, params, nullptr, 10s, "wisp.patch");
  EXPECT_EQ(reply["error"]["code"], -32602) << reply;
  EXPECT_NE(proto::dump(reply).find("check"), std::string::npos);
  EXPECT_EQ(fake.log()["total"], 0);
}

TEST_F(WispCheckTest, AFileThatDidNotParseBeforeIsNotRetried) {
  start();
  // The original is already broken (line 5): the proposal's diagnostics are shown, no retry.
  const std::string broken = kBuffer + "print(add(1,\n";
  fake.enqueue(json::array({{{"content", kFixedReply}}, {{"content", kFixedReply}}}));
  auto c = client();
  auto reply = call_raw(c, patch_params("/home/u/proj/src/calc.py", "python", broken), nullptr, 60s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  const auto& r = reply["result"];
  EXPECT_EQ(r["check"]["original_ok"], false) << r;
  EXPECT_EQ(r["diagnostics"].size(), 1u) << r;
  EXPECT_EQ(fake.log()["total"], 1);
}

TEST_F(WispCheckTest, ALanguageWithoutACheckerIsSkippedAndSaysSo) {
  start();
  const std::string buffer = "fn add(a: i32, b: i32) -> i32 {\n    // TODO: return the sum of a and b (wisp-check-test)\n    pass\n}\n";
  fake.enqueue({{"content", "x\n<<<<<<< SEARCH\n    // TODO: return the sum of a and b (wisp-check-test)\n    pass\n=======\n    a + b\n>>>>>>> REPLACE\n"}});
  auto c = client();
  auto params = patch_params("/home/u/proj/src/lib.rs", "rust", buffer);
  params["selection"] = {{"start_pos", static_cast<std::int64_t>(buffer.find("// TODO")) + 1},
                         {"end_pos", static_cast<std::int64_t>(buffer.find("    pass")) + 1}};
  auto reply = call_raw(c, params, nullptr, 60s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["check"], (json{{"language", "rust"}, {"skipped", "no checker for rust"}}));
  EXPECT_EQ(reply["result"]["diagnostics"], json::array());
}

TEST_F(WispCheckTest, ServerDescribeListsTheCheckers) {
  start();
  auto c = client();
  const json d = c.call("server.describe", json::object());
  ASSERT_TRUE(d.contains("checks")) << d;
  EXPECT_EQ(d["checks"]["timeout_s"], 5);
  std::set<std::string> languages;
  for (const auto& entry : d["checks"]["checkers"]) languages.insert(entry["language"].get<std::string>());
  EXPECT_EQ(languages, (std::set<std::string>{"python", "shell", "json", "javascript", "emacs-lisp"})) << d;
}

TEST_F(WispCheckTest, ACheckerPastLampCheckTimeoutIsKilledAndReportedAsATimeout) {
  // A python3 that never answers, first on lamp's PATH.
  const std::string bin = dir.file("bin");
  std::filesystem::create_directories(bin);
  const std::string fake_python = bin + "/python3";
  std::ofstream(fake_python) << "#!/bin/sh\necho $$ >> " << dir.file("pids") << "\nsleep 60\n";
  std::filesystem::permissions(fake_python, std::filesystem::perms::owner_all);
  const char* path = std::getenv("PATH");
  start({{"LAMP_CHECK_TIMEOUT_S", "1"}, {"PATH", bin + ":" + (path ? path : "/usr/bin:/bin")}});
  fake.enqueue({{"content", kFixedReply}});
  auto c = client();
  const auto started = std::chrono::steady_clock::now();
  auto reply = call_raw(c, patch_params(), nullptr, 60s, "wisp.patch");
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(reply.contains("result")) << reply;
  const auto& r = reply["result"];
  EXPECT_EQ(r["ok"], true) << "the proposal is still returned";
  EXPECT_EQ(r["check"]["timed_out"], true) << r;
  EXPECT_EQ(r["check"]["skipped"], "python3 compile() took longer than 1 s (LAMP_CHECK_TIMEOUT_S) and was stopped");
  EXPECT_EQ(r["diagnostics"], json::array());
  EXPECT_LT(took, 20s);
  EXPECT_EQ(c.call("server.describe", json::object())["checks"]["timeout_s"], 1);
  // Both checkers (original and proposal) were started, and both are gone.
  std::ifstream pids(dir.file("pids"));
  int count = 0;
  for (long pid; pids >> pid; ++count) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string id, name, state;
    EXPECT_TRUE(!(stat >> id >> name >> state) || state == "Z") << "checker " << pid << " still runs";
  }
  EXPECT_EQ(count, 2);
}

TEST_F(WispCheckTest, ARetryThatFailsUpstreamKeepsTheFirstProposal) {
  start({{"LAMP_MAX_RETRIES", "0"}});
  // 400 is not retried: the corrective retry's call fails at once.
  fake.enqueue(json::array({{{"content", kBrokenReply}}, {{"status", 400}}}));
  auto c = client();
  auto reply = call_raw(c, patch_params(), nullptr, 60s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_NE(reply["result"]["patch"].get<std::string>().find("+    return (a + b\n"), std::string::npos) << reply;
  EXPECT_EQ(reply["result"]["diagnostics"].size(), 1u) << reply;
  EXPECT_EQ(fake.log()["total"], 2);
}
