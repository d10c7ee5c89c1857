// SPDX-License-Identifier: GPL-3.0-or-later
// Integration: wisp.patch through the real lamp and the fake upstream: the diff applies with
// GNU patch, the corrective retry, unusable replies, bad selections, cancellation, the CLI.
#include "support/upstream_fixture.hpp"

#include <algorithm>
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
    "    # TODO: return the sum of a and b (wisp-it-test)\n"
    "    pass\n"
    "\n"
    "print(add(1, 2))\n";

const std::string kGoodReply =
    "Implemented it.\n\n```python\n<<<<<<< SEARCH\n"
    "    # TODO: return the sum of a and b (wisp-it-test)\n    pass\n"
    "=======\n    return a + b\n>>>>>>> REPLACE\n```\n";

const std::string kBadReply = "<<<<<<< SEARCH\n    this is not in the file\n=======\n    x = 1\n>>>>>>> REPLACE\n";

json patch_params(const std::string& buffer = kBuffer) {
  const auto start = static_cast<std::int64_t>(buffer.find("# TODO")) + 1;
  const auto end = static_cast<std::int64_t>(buffer.find("    pass")) + 1;
  return {{"file_path", "/home/u/proj/src/calc.py"},
          {"language", "python"},
          {"comment_style", "line"},
          {"selection", {{"start_pos", start}, {"end_pos", end}}},
          {"buffer_text", buffer},
          {"context", {{"project_root", "/home/u/proj"}}}};
}

// Applies `diff` with GNU patch to `original` saved as REL in a fresh directory.
std::string apply_with_patch(const std::string& rel, const std::string& original, const std::string& diff) {
  harness::TempDir dir;
  std::filesystem::create_directories(std::filesystem::path(dir.file(rel)).parent_path());
  std::ofstream(dir.file(rel), std::ios::binary) << original;
  std::ofstream(dir.file("change.diff"), std::ios::binary) << diff;
  const std::string cmd = "cd '" + dir.path() + "' && patch -p1 --quiet < change.diff";
  if (std::system(cmd.c_str()) != 0) return "<patch failed>";
  return harness::read_file(dir.file(rel));
}

}  // namespace

using WispPatchTest = UpstreamTest;

TEST_F(WispPatchTest, ProducesADiffThatApplies) {
  start();
  fake.enqueue({{"content", kGoodReply}});
  auto c = client();
  std::vector<json> notes;
  auto reply = call_raw(c, patch_params(), &notes, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  const auto& r = reply["result"];
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["rationale"], "Implemented it.");
  EXPECT_EQ(r["model"], "gpt-4o-mini");
  EXPECT_GT(r["usage"]["total_tokens"], 0);
  const std::string patch = r["patch"];
  EXPECT_EQ(patch.rfind("--- a/src/calc.py\n+++ b/src/calc.py\n", 0), 0u) << patch;
  EXPECT_EQ(apply_with_patch("src/calc.py", kBuffer, patch),
            "def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n");
  std::set<std::string> stages;
  for (auto& n : notes) stages.insert(n["params"].value("stage", ""));
  EXPECT_EQ(stages, (std::set<std::string>{"upstream", "streaming", "validating", "checking"})) << json(notes);
  // The prompt carried the buffer with the selection marked.
  const json log = fake.log();
  const json& sent = log["requests"][0]["body"]["messages"];
  EXPECT_NE(proto::dump(sent).find("wisp-it-test"), std::string::npos) << sent;
}

TEST_F(WispPatchTest, RetriesOnceTellingTheModelWhatDidNotMatch) {
  start();
  fake.enqueue(json::array({{{"content", kBadReply}}, {{"content", kGoodReply}}}));
  auto c = client();
  auto reply = call_raw(c, patch_params(), nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["ok"], true);
  auto log = fake.log();
  ASSERT_EQ(log["total"], 2);
  const std::string retry_prompt = proto::dump(log["requests"][1]["body"]["messages"]);
  EXPECT_NE(retry_prompt.find("this is not in the file"), std::string::npos) << "the failing block is quoted";
}

TEST_F(WispPatchTest, TwoUnusableRepliesEndWithMinus32004) {
  start();
  fake.enqueue(json::array({{{"content", kBadReply}}, {{"content", kBadReply}}}));
  auto c = client();
  auto reply = call_raw(c, patch_params(), nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32004);
  EXPECT_EQ(reply["error"]["data"]["reply"], kBadReply);
  EXPECT_EQ(fake.log()["total"], 2);
}

TEST_F(WispPatchTest, NoChangeIsOkFalse) {
  start();
  // An edit that leaves the text as it is: nothing to show, but not a failure.
  fake.enqueue({{"content", "Nothing needs to change.\n<<<<<<< SEARCH\n    pass\n=======\n    pass\n>>>>>>> REPLACE\n"}});
  auto c = client();
  auto reply = call_raw(c, patch_params(), nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["ok"], false);
  EXPECT_EQ(reply["result"]["patch"], "");
  EXPECT_EQ(reply["result"]["rationale"], "Nothing needs to change.");
}

TEST_F(WispPatchTest, BadSelectionsAreInvalidParamsWithoutAnUpstreamCall) {
  start();
  auto c = client();
  auto params = patch_params();
  params["selection"] = {{"start_pos", 10}, {"end_pos", 5}};
  EXPECT_EQ(call_raw(c, params, nullptr, 10s, "wisp.patch")["error"]["code"], -32602);
  params["selection"] = {{"start_pos", 1}, {"end_pos", 100000}};
  EXPECT_EQ(call_raw(c, params, nullptr, 10s, "wisp.patch")["error"]["code"], -32602);
  params.erase("buffer_text");
  auto missing = call_raw(c, params, nullptr, 10s, "wisp.patch");
  EXPECT_EQ(missing["error"]["code"], -32602);
  EXPECT_NE(proto::dump(missing).find("buffer_text"), std::string::npos);
  EXPECT_EQ(fake.log()["total"], 0);
}

TEST_F(WispPatchTest, NonAsciiBufferKeepsItsCharacters) {
  start();
  const std::string buffer = "# café ☕ 😀\ndef add(a, b):\n    # TODO: return the sum of a and b (wisp-it-test)\n    pass\n\nprint(add(1, 2))\n";
  fake.enqueue({{"content", kGoodReply}});
  auto c = client();
  auto params = patch_params(buffer);
  // Positions are characters: shift the byte-based offsets back by the extra UTF-8 bytes.
  const std::int64_t extra = std::string("é☕😀").size() - 3;
  params["selection"]["start_pos"] = params["selection"]["start_pos"].get<std::int64_t>() - extra;
  params["selection"]["end_pos"] = params["selection"]["end_pos"].get<std::int64_t>() - extra;
  auto reply = call_raw(c, params, nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(apply_with_patch("src/calc.py", buffer, reply["result"]["patch"]),
            "# café ☕ 😀\ndef add(a, b):\n    return a + b\n\nprint(add(1, 2))\n");
}

TEST_F(WispPatchTest, CancelWhileTheModelThinks) {
  start();
  fake.set_default({{"delay_ms", 20000}});
  auto c = client();
  c.send_raw(proto::dump(proto::make_request(5, "wisp.patch", patch_params())) + "\n");
  wait_log([](const json& l) { return l["in_flight"] == 1; });
  c.notify("$/cancelRequest", {{"id", 5}});
  json reply;
  while (auto m = c.read_message(5s)) {
    if (!m->contains("method")) {
      reply = *m;
      break;
    }
  }
  EXPECT_EQ(reply["error"]["code"], -32800);
}

TEST_F(WispPatchTest, CliPrintsADiffForPatchP1) {
  start();
  harness::TempDir project;
  std::filesystem::create_directories(project.file("src"));
  std::ofstream(project.file("src/calc.py"), std::ios::binary) << kBuffer;
  fake.enqueue({{"content", kGoodReply}});
  const auto range = patch_params()["selection"];
  const std::string cmd = "cd '" + project.path() + "' && '" + LAMP_BINARY + "' patch src/calc.py --socket '" +
                          server->socket() + "' --start " + proto::dump(range["start_pos"]) + " --end " +
                          proto::dump(range["end_pos"]) + " 2>/dev/null | patch -p1 --quiet";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(harness::read_file(project.file("src/calc.py")), "def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n");
}

TEST_F(WispPatchTest, SelectionsGetCommentsWithHunksAndNotes) {
  start();
  const std::string buffer =
      "import sys\n\n"
      "def add(a, b):\n    # wisp: return the sum\n    pass\n\n"
      "def neg(a):\n    # TODO: negate a\n    return a\n";
  const std::string reply =
      "1: returns a + b\n2: NO CHANGE: already fine\n\n"
      "<<<<<<< SEARCH\n    pass\n=======\n    return a + b\n>>>>>>> REPLACE\n";
  fake.enqueue({{"content", reply}});
  json params = patch_params(buffer);
  params.erase("selection");
  auto range = [&](const std::string& text) {
    const auto at = static_cast<std::int64_t>(buffer.find(text));
    return json{{"start_pos", at + 1}, {"end_pos", at + 1 + static_cast<std::int64_t>(text.size())}};
  };
  params["selections"] = {range("    # wisp: return the sum\n"), range("    # TODO: negate a\n")};
  auto c = client();
  auto answer = call_raw(c, params, nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(answer.contains("result")) << answer;
  const auto& r = answer["result"];
  EXPECT_EQ(r["ok"], true);
  // The marked comment the model left above its code is removed by lamp.
  EXPECT_EQ(apply_with_patch("src/calc.py", buffer, r["patch"]),
            "import sys\n\ndef add(a, b):\n    return a + b\n\ndef neg(a):\n    # TODO: negate a\n    return a\n");
  EXPECT_EQ(r["comments"], json::parse(R"([{"index":0,"hunks":[0],"note":"returns a + b"},
                                           {"index":1,"hunks":[],"note":"NO CHANGE: already fine"}])"))
      << r;
  EXPECT_NE(r["rationale"].get<std::string>().find("lamp removed 1 marked comment the edit left in place (line 4)."),
            std::string::npos)
      << r["rationale"];
  const std::string prompt = fake.log()["requests"][0]["body"]["messages"][1]["content"];
  EXPECT_NE(prompt.find("[[WISP-SELECTION-BEGIN 2]]\n    # TODO: negate a\n[[WISP-SELECTION-END 2]]\n"), std::string::npos)
      << prompt;

  // A single `selection` answers without `comments`; a bad `selections` is -32602 naming the field.
  fake.enqueue({{"content", kGoodReply}});
  answer = call_raw(c, patch_params(), nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(answer.contains("result")) << answer;
  EXPECT_FALSE(answer["result"].contains("comments")) << answer;
  params["selections"][1]["start_pos"] = params["selections"][0]["start_pos"];
  answer = call_raw(c, params, nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(answer.contains("error")) << answer;
  EXPECT_EQ(answer["error"]["code"], -32602);
  EXPECT_NE(proto::dump(answer["error"]).find("selections[1].start_pos"), std::string::npos) << answer;
  EXPECT_EQ(fake.log()["total"], 2);
}

TEST_F(WispPatchTest, SelectionsAnsweredNoChangeStillListComments) {
  start();
  const std::string buffer = "x = 1  # wisp: make it two\ny = 2  # wisp: make it three\n";
  fake.enqueue({{"content", "1: NO CHANGE: two is wrong here\n2: NO CHANGE: three too\n"}});
  json params = patch_params(buffer);
  params.erase("selection");
  params["selections"] = {{{"start_pos", 8}, {"end_pos", 27}}, {{"start_pos", 35}, {"end_pos", 56}}};
  auto c = client();
  auto answer = call_raw(c, params, nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(answer.contains("result")) << answer;
  const auto& r = answer["result"];
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(r["patch"], "");
  EXPECT_EQ(r["comments"], json::parse(R"([{"index":0,"hunks":[],"note":"NO CHANGE: two is wrong here"},
                                           {"index":1,"hunks":[],"note":"NO CHANGE: three too"}])"))
      << r;
}

TEST_F(WispPatchTest, RefineAsksAgainWithTheProposalAndTheNote) {
  start();
  auto c = client();
  fake.enqueue({{"content", kGoodReply}});
  auto first = call_raw(c, patch_params(), nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(first.contains("result")) << first;
  const std::string proposal = first["result"]["patch"];

  // The user's note on that proposal: the same request text, plus `refine`.
  fake.enqueue({{"content", "Used sum().\n\n<<<<<<< SEARCH\n"
                            "    # TODO: return the sum of a and b (wisp-it-test)\n    pass\n"
                            "=======\n    return sum((a, b))\n>>>>>>> REPLACE\n"}});
  json params = patch_params();
  params["refine"] = {{"patch", proposal}, {"note", "use sum() instead"}, {"rationale", "Implemented it."}};
  auto second = call_raw(c, params, nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(second.contains("result")) << second;
  EXPECT_EQ(second["result"]["rationale"], "Used sum().");
  EXPECT_EQ(apply_with_patch("src/calc.py", kBuffer, second["result"]["patch"]),
            "def add(a, b):\n    return sum((a, b))\n\nprint(add(1, 2))\n");
  const json log = fake.log();
  const json& sent = log["requests"][1]["body"]["messages"];
  ASSERT_EQ(sent.size(), 4u) << sent;
  EXPECT_EQ(sent[2]["role"], "assistant");
  EXPECT_NE(sent[2]["content"].get<std::string>().find(proposal), std::string::npos) << sent;
  EXPECT_EQ(sent[3]["role"], "user");
  EXPECT_NE(sent[3]["content"].get<std::string>().find("use sum() instead"), std::string::npos) << sent;

  // A refine without a note is refused before any upstream call.
  params["refine"] = {{"patch", proposal}};
  auto refused = call_raw(c, params, nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(refused.contains("error")) << refused;
  EXPECT_EQ(refused["error"]["code"], -32602);
  EXPECT_NE(proto::dump(refused["error"]).find("refine.note"), std::string::npos) << refused;
  EXPECT_EQ(fake.log()["requests"].size(), 2u);
}

namespace {

// The `$/progress` notifications of stage `streaming`, in order.
std::vector<json> streamed(const std::vector<json>& notes) {
  std::vector<json> out;
  for (const auto& n : notes) {
    if (n["params"].value("stage", "") == "streaming") out.push_back(n["params"]);
  }
  return out;
}

std::int64_t code_points(const std::string& text) {
  return std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

}  // namespace

TEST_F(WispPatchTest, TheReplyStreamsAsProgressWithItsTextAndCharacterCount) {
  start();
  const std::string reply_text = "Summed them — ✓ café.\n\n" + kGoodReply.substr(kGoodReply.find("```"));
  fake.enqueue({{"content", reply_text}, {"chunk_chars", 3}, {"stream_delay_ms", 15}});
  auto c = client();
  std::vector<json> notes;
  auto reply = call_raw(c, patch_params(), &notes, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["rationale"], "Summed them — ✓ café.");
  EXPECT_GT(reply["result"]["usage"]["total_tokens"], 0) << "usage comes with the stream";
  const json body = fake.log()["requests"][0]["body"];
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);

  const auto chunks = streamed(notes);
  ASSERT_FALSE(chunks.empty()) << json(notes);
  std::string joined;
  std::int64_t last = 0;
  for (const auto& p : chunks) {
    joined += p["text"].get<std::string>();
    EXPECT_GT(p["chars"].get<std::int64_t>(), last) << "the count only grows";
    last = p["chars"];
    EXPECT_EQ(p["request_id"], reply["id"]);
  }
  EXPECT_EQ(joined, reply_text) << "the text arrives whole and in order";
  EXPECT_EQ(last, code_points(reply_text)) << "characters, as Emacs counts them";
  EXPECT_LT(chunks.size(), reply_text.size() / 3) << "deltas are coalesced, not one notification each";

  std::vector<std::string> stages;
  for (const auto& n : notes) {
    const std::string s = n["params"]["stage"];
    if (stages.empty() || stages.back() != s) stages.push_back(s);
  }
  EXPECT_EQ(stages, (std::vector<std::string>{"upstream", "streaming", "validating", "checking"})) << json(notes);
}

TEST_F(WispPatchTest, TheSecondTurnSaysWhyItAsksAgainAndStreamsAfresh) {
  start();
  fake.enqueue(json::array({{{"content", kBadReply}}, {{"content", kGoodReply}}}));
  auto c = client();
  std::vector<json> notes;
  auto reply = call_raw(c, patch_params(), &notes, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  std::vector<std::string> upstream_details;
  std::string after_retry;
  for (const auto& n : notes) {
    const auto& p = n["params"];
    if (p["stage"] == "upstream") {
      upstream_details.push_back(p.value("detail", ""));
      after_retry.clear();
    }
    if (p["stage"] == "streaming") after_retry += p["text"].get<std::string>();
  }
  EXPECT_EQ(upstream_details, (std::vector<std::string>{"", "asking again: the reply had no usable edit"}));
  EXPECT_EQ(after_retry, kGoodReply) << "the second reply's text starts from nothing";
}

TEST_F(WispPatchTest, StreamFalseAsksWithoutAStream) {
  start();
  fake.enqueue({{"content", kGoodReply}});
  auto c = client();
  std::vector<json> notes;
  auto params = patch_params();
  params["stream"] = false;
  auto reply = call_raw(c, params, &notes, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["ok"], true);
  EXPECT_FALSE(fake.log()["requests"][0]["body"].contains("stream"));
  EXPECT_TRUE(streamed(notes).empty()) << json(notes);

  params["stream"] = "yes";
  reply = call_raw(c, params, nullptr, 30s, "wisp.patch");
  EXPECT_EQ(reply["error"]["code"], -32602) << reply;
  EXPECT_EQ(reply["error"]["data"]["detail"], "field \"stream\" must be a boolean") << reply;
}
