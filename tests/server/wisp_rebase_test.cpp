// SPDX-License-Identifier: GPL-3.0-or-later
// Integration: wisp.rebase through the real lamp: a proposal carried over edits made since the
// request (the returned diff applies with GNU patch), a conflicting hunk reported with the
// clean ones still merged, and -32602 naming the field for unusable params.
#include "support/upstream_fixture.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace lamp;
using namespace std::chrono_literals;
using harness::UpstreamTest;
using proto::json;

namespace {

const std::string kBase =
    "def add(a, b):\n    pass\n\n\n\n\n\n\n\n"
    "def sub(a, b):\n    pass\n\n\n\n\n\n\n\n"
    "def mul(a, b):\n    pass\n";

// The proposal: two hunks, one per function body.
const std::string kPatch =
    "--- a/src/calc.py\n+++ b/src/calc.py\n"
    "@@ -1,5 +1,5 @@\n def add(a, b):\n-    pass\n+    return a + b\n \n \n \n"
    "@@ -17,4 +17,4 @@\n \n \n def mul(a, b):\n-    pass\n+    return a * b\n";

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

json rebase_params(const std::string& current, const std::string& patch = kPatch) {
  return {{"base_text", kBase}, {"current_text", current}, {"patch", patch}};
}

}  // namespace

using WispRebaseTest = UpstreamTest;

TEST_F(WispRebaseTest, EditsMadeMeanwhileAreKeptAndTheProposalApplies) {
  start();
  auto c = client();
  const std::string current = "import math\n" + kBase;
  auto reply = call_raw(c, rebase_params(current), nullptr, 10s, "wisp.rebase");
  ASSERT_TRUE(reply.contains("result")) << reply;
  const auto& r = reply["result"];
  EXPECT_EQ(r["ok"], true);
  EXPECT_FALSE(r.contains("conflicts"));
  const std::string patch = r["patch"];
  EXPECT_EQ(patch.rfind("--- a/src/calc.py\n+++ b/src/calc.py\n@@ -1,6 +1,6 @@\n", 0), 0u) << patch;
  std::string expected = current;
  expected.replace(expected.find("    pass"), 8, "    return a + b");
  expected.replace(expected.rfind("    pass"), 8, "    return a * b");
  EXPECT_EQ(apply_with_patch("src/calc.py", current, patch), expected);
}

TEST_F(WispRebaseTest, AConflictingHunkIsListedAndTheOtherStillMerges) {
  start();
  auto c = client();
  std::string current = kBase;
  current.replace(current.rfind("    pass"), 8, "    raise NotImplementedError");
  auto reply = call_raw(c, rebase_params(current), nullptr, 10s, "wisp.rebase");
  ASSERT_TRUE(reply.contains("result")) << reply;
  const auto& r = reply["result"];
  EXPECT_EQ(r["ok"], false);
  ASSERT_EQ(r["conflicts"].size(), 1u) << r;
  EXPECT_EQ(r["conflicts"][0]["hunk"], 1);
  EXPECT_EQ(r["conflicts"][0]["old_start"], 17);
  EXPECT_EQ(r["conflicts"][0]["old_lines"], 4);
  EXPECT_NE(r["conflicts"][0]["message"].get<std::string>().find("hunk 2"), std::string::npos);
  std::string expected = current;
  expected.replace(expected.find("    pass"), 8, "    return a + b");
  EXPECT_EQ(apply_with_patch("src/calc.py", current, r["patch"]), expected);
}

TEST_F(WispRebaseTest, UnusableParamsAreInvalidParamsNamingTheField) {
  start();
  auto c = client();
  auto expect_invalid = [&](const json& params, const std::string& field) {
    auto reply = call_raw(c, params, nullptr, 10s, "wisp.rebase");
    ASSERT_TRUE(reply.contains("error")) << reply;
    EXPECT_EQ(reply["error"]["code"], -32602) << reply;
    EXPECT_NE(proto::dump(reply["error"]).find(field), std::string::npos) << reply;
  };
  json params = rebase_params(kBase);
  params.erase("base_text");
  expect_invalid(params, "base_text is missing");
  params = rebase_params(kBase);
  params["current_text"] = 42;
  expect_invalid(params, "current_text must be a string");
  params = rebase_params(kBase);
  params.erase("patch");
  expect_invalid(params, "patch is missing");
  params = rebase_params(kBase);
  params["base_text"] = "something else entirely\n";
  expect_invalid(params, "does not apply to base_text");
  expect_invalid(rebase_params(kBase, "hello\n"), "patch: expected a unified diff");
  expect_invalid(json::array({1, 2}), "params must be an object");
  // The connection still serves calls afterwards.
  auto reply = call_raw(c, rebase_params(kBase), nullptr, 10s, "wisp.rebase");
  EXPECT_EQ(reply["result"]["ok"], true) << reply;
}
