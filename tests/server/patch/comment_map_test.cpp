// SPDX-License-Identifier: GPL-3.0-or-later
// `comments` of a selections request: which hunks answer which comment, and the model's notes
// (docs/protocol.md, wisp.patch with several comments).
#include "patch/comment_map.hpp"
#include "patch/patch_engine.hpp"

#include "support/request_builder.hpp"

#include <gtest/gtest.h>

using namespace lamp::patch;
using lamp::patch::testing::request_for;
using lamp::patch::testing::selections_request;

namespace {

std::string sr(const std::string& search, const std::string& replace) {
  return "<<<<<<< SEARCH\n" + search + "=======\n" + replace + ">>>>>>> REPLACE\n";
}

// 40 lines apart, so their hunks stay separate.
std::string filler(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "v" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  return out;
}

const std::string kBuffer = "import sys\n\n" + filler(10) +
                            "def a(x):\n    # wisp: add one\n    return x\n"
                            "def b(x):\n    # wisp: add two\n    return x\n" +
                            filler(10) + "def c(x):\n    # TODO: check x\n    return x\n";

std::vector<CommentAnswer> comments_of(const PatchOutcome& outcome) {
  if (const auto* ready = std::get_if<PatchReady>(&outcome)) return ready->comments;
  if (const auto* none = std::get_if<NoChange>(&outcome)) return none->comments;
  ADD_FAILURE() << "the reply failed: " << std::get<RepairFailure>(outcome).description;
  return {};
}

}  // namespace

TEST(CommentMap, HunksByCommentWithNotesInPatchOrder) {
  const auto req = selections_request(kBuffer, {"    # wisp: add one\n", "    # wisp: add two\n", "    # TODO: check x\n"});
  const auto outcome = make_patch(
      req, "**1:** adds one\n2. adds two\nComment 3: NO CHANGE: x is fine\n" +
               sr("import sys\n", "import os\nimport sys\n") +
               sr("    # wisp: add one\n    return x\n", "    return x + 1\n") +
               sr("    # wisp: add two\n    return x\n", "    return x + 2\n"));
  ASSERT_TRUE(std::holds_alternative<PatchReady>(outcome));
  const std::string& patch = std::get<PatchReady>(outcome).patch;
  // The import (hunk 0) answers no comment; the two adjacent comments share hunk 1.
  ASSERT_EQ(std::count(patch.begin(), patch.end(), '@') / 4, 2) << patch;
  const auto comments = comments_of(outcome);
  ASSERT_EQ(comments.size(), 3u);
  EXPECT_EQ(comments[0].index, 0u);
  EXPECT_EQ(comments[0].hunks, std::vector<std::size_t>{1});
  EXPECT_EQ(comments[0].note, "adds one");
  EXPECT_EQ(comments[1].index, 1u);
  EXPECT_EQ(comments[1].hunks, std::vector<std::size_t>{1});
  EXPECT_EQ(comments[1].note, "adds two");
  EXPECT_EQ(comments[2].index, 2u);
  EXPECT_TRUE(comments[2].hunks.empty());
  EXPECT_EQ(comments[2].note, "NO CHANGE: x is fine");
}

TEST(CommentMap, InsertionRightAfterACommentAnswersIt) {
  const auto req = selections_request(kBuffer, {"    # wisp: add one\n", "    # TODO: check x\n"});
  // Comment 2 stays and code follows it; comment 1's marked line is removed (it answers 1).
  const auto outcome = make_patch(
      req, sr("    # TODO: check x\n    return x\n", "    # TODO: check x\n    assert x is not None\n    return x\n"));
  const auto comments = comments_of(outcome);
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_EQ(comments[0].hunks, std::vector<std::size_t>{0});
  EXPECT_EQ(comments[1].hunks, std::vector<std::size_t>{1});
  EXPECT_FALSE(comments[0].note.has_value());
}

TEST(CommentMap, NoChangeRepliesStillListEveryComment) {
  const auto req = selections_request(kBuffer, {"    # wisp: add one\n", "    # wisp: add two\n"});
  const auto outcome = make_patch(req, "1: NO CHANGE: already there\n2: NO CHANGE: also there\n");
  ASSERT_TRUE(std::holds_alternative<NoChange>(outcome));
  const auto comments = comments_of(outcome);
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_TRUE(comments[0].hunks.empty());
  EXPECT_EQ(comments[0].note, "NO CHANGE: already there");
  EXPECT_EQ(comments[1].note, "NO CHANGE: also there");
}

TEST(CommentMap, SingleSelectionRequestsHaveNoComments) {
  const auto outcome = make_patch(request_for(kBuffer, "    # wisp: add one\n"),
                                  sr("    # wisp: add one\n    return x\n", "    return x + 1\n"));
  ASSERT_TRUE(std::holds_alternative<PatchReady>(outcome));
  EXPECT_TRUE(std::get<PatchReady>(outcome).comments.empty());
}

TEST(CommentMap, ReadsTheHunksOfADiffDirectly) {
  const auto req = selections_request("a\n# wisp: x\nb\n# wisp: y\nc\n", {"# wisp: x\n", "# wisp: y\n"});
  const std::string diff = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1,0 +1 @@\n+top\n@@ -4 +4,2 @@\n-# wisp: y\n+y = 1\n+y = 2\n";
  const auto comments = map_comments(req, diff, "2: made y");
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_TRUE(comments[0].hunks.empty());
  EXPECT_EQ(comments[1].hunks, std::vector<std::size_t>{1});
  EXPECT_EQ(comments[1].note, "made y");
  // An insertion right after comment 1's line answers it, one before does not.
  const auto after = map_comments(req, "--- a/src/app.py\n+++ b/src/app.py\n@@ -2,0 +3 @@\n+x = 1\n", "");
  EXPECT_EQ(after[0].hunks, std::vector<std::size_t>{0});
  const auto before = map_comments(req, "--- a/src/app.py\n+++ b/src/app.py\n@@ -1,0 +2 @@\n+x = 1\n", "");
  EXPECT_TRUE(before[0].hunks.empty());
}
