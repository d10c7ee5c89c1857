// SPDX-License-Identifier: GPL-3.0-or-later
// Reply shapes -> EditPlan: blocks, JSON, diffs, code, NO CHANGE, and malformed replies.
#include "patch/reply_parser.hpp"

#include <gtest/gtest.h>

using namespace lamp::patch;

namespace {

const ReplyContext kContext{"src/app.py", "python", {}};

EditPlan plan_of(std::string_view reply) {
  auto parsed = parse_reply(reply, kContext);
  if (auto* failure = std::get_if<RepairFailure>(&parsed)) {
    ADD_FAILURE() << "unexpected failure: " << failure->description;
    return {};
  }
  return std::get<EditPlan>(parsed);
}

std::string failure_of(std::string_view reply) {
  auto parsed = parse_reply(reply, kContext);
  if (auto* failure = std::get_if<RepairFailure>(&parsed)) return failure->description;
  ADD_FAILURE() << "expected a failure for: " << reply;
  return "";
}

const SearchReplace& sr(const EditPlan& plan, std::size_t i) { return std::get<SearchReplace>(plan.edits.at(i).body); }

}  // namespace

TEST(ReplyParser, SearchReplaceBlocksWithProse) {
  const auto plan = plan_of(
      "Adds a guard.\n\nsrc/app.py\n```python\n<<<<<<< SEARCH\n    x = 1\n=======\n    x = 2\n>>>>>>> REPLACE\n```\n"
      "<<<<<<< SEARCH\nimport os\n=======\nimport os\nimport sys\n>>>>>>> REPLACE\nDone.\n");
  ASSERT_EQ(plan.edits.size(), 2u);
  EXPECT_EQ(sr(plan, 0).search, (std::vector<std::string>{"    x = 1"}));
  EXPECT_EQ(sr(plan, 0).replace, (std::vector<std::string>{"    x = 2"}));
  EXPECT_EQ(sr(plan, 1).replace.size(), 2u);
  EXPECT_EQ(plan.edits[1].label, "SEARCH/REPLACE block 2 of 2");
  EXPECT_EQ(plan.rationale, "Adds a guard.\n\nDone.");
}

TEST(ReplyParser, MarkerVariants) {
  EXPECT_EQ(plan_of("<<<<<<<SEARCH\na\n=======\nb\n>>>>>>>REPLACE\n").edits.size(), 1u);
  EXPECT_EQ(plan_of("------- SEARCH\na\n=======\nb\n+++++++ REPLACE\n").edits.size(), 1u);
  EXPECT_EQ(plan_of("<<<<<<< ORIGINAL\na\n=======\nb\n>>>>>>> UPDATED\n").edits.size(), 1u);
  // A forgotten end marker before the next block, and one closed by a fence.
  EXPECT_EQ(plan_of("<<<<<<< SEARCH\na\n=======\nb\n<<<<<<< SEARCH\nc\n=======\nd\n>>>>>>> REPLACE\n").edits.size(), 2u);
  const auto fenced = plan_of("```\n<<<<<<< SEARCH\na\n=======\nb\n```\n");
  ASSERT_EQ(fenced.edits.size(), 1u);
  EXPECT_EQ(sr(fenced, 0).replace, (std::vector<std::string>{"b"}));
}

TEST(ReplyParser, TruncatedBlocksFail) {
  EXPECT_NE(failure_of("<<<<<<< SEARCH\na\n=======\nb\n").find("ends without a >>>>>>> REPLACE"), std::string::npos);
  EXPECT_NE(failure_of("<<<<<<< SEARCH\na\n").find("cut off"), std::string::npos);
  EXPECT_NE(failure_of("<<<<<<< SEARCH\na\n>>>>>>> REPLACE\n").find("no ======="), std::string::npos);
}

TEST(ReplyParser, StripsThinkingAndSelectionMarkers) {
  const auto plan = plan_of("<think>maybe\n<<<<<<< SEARCH\nno\n</think>\n<<<<<<< SEARCH\n[[WISP-SELECTION-BEGIN]]\n# do x[[WISP-SELECTION-END]]\n=======\nx()\n>>>>>>> REPLACE\n");
  ASSERT_EQ(plan.edits.size(), 1u);
  EXPECT_EQ(sr(plan, 0).search, (std::vector<std::string>{"# do x"}));
}

TEST(ReplyParser, JsonEnvelopes) {
  auto plan = plan_of("Here you go:\n```json\n{\"search\": \"a\\n\", \"replace\": \"b\\n\", \"rationale\": \"why\"}\n```\n");
  ASSERT_EQ(plan.edits.size(), 1u);
  EXPECT_EQ(sr(plan, 0).search, (std::vector<std::string>{"a"}));
  EXPECT_EQ(plan.rationale, "why");

  plan = plan_of("{\"patch\": \"<<<<<<< SEARCH\\na\\n=======\\nb\\n>>>>>>> REPLACE\", \"explanation\": \"e\"}");
  ASSERT_EQ(plan.edits.size(), 1u);
  EXPECT_NE(plan.edits[0].label.find("JSON \"patch\""), std::string::npos);

  plan = plan_of("{\"patch\": \"--- a/x.py\\n+++ b/x.py\\n@@ -1 +1 @@\\n-a\\n+b\\n\"}");
  ASSERT_EQ(plan.edits.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<DiffHunk>(plan.edits[0].body));

  plan = plan_of("{\"edits\": [{\"old\": \"a\", \"new\": \"b\"}, {\"old\": \"c\", \"new\": \"d\"}]}");
  EXPECT_EQ(plan.edits.size(), 2u);

  plan = plan_of("{\"code\": \"def f():\\n    return 1\\n\"}");
  ASSERT_EQ(plan.edits.size(), 1u);
  EXPECT_TRUE(std::get<RegionReplacement>(plan.edits[0].body).fenced);

  // Raw newlines inside strings (invalid JSON) are repaired.
  plan = plan_of("{\"search\": \"a\nb\", \"replace\": \"c\"}");
  ASSERT_EQ(plan.edits.size(), 1u);
  EXPECT_EQ(sr(plan, 0).search.size(), 2u);

  plan = plan_of("{\"no_change\": true, \"reason\": \"already done\"}");
  EXPECT_TRUE(plan.declared_no_change);
  EXPECT_EQ(plan.rationale, "already done");
}

TEST(ReplyParser, UnifiedDiffs) {
  auto plan = plan_of("Fix:\n```diff\n--- a/wrong.py\n+++ b/wrong.py\n@@ -99,3 +99,3 @@\n a\n-b\n+c\n d\n```\n");
  ASSERT_EQ(plan.edits.size(), 1u);
  const auto& hunk = std::get<DiffHunk>(plan.edits[0].body);
  ASSERT_EQ(hunk.lines.size(), 4u);
  EXPECT_EQ(hunk.lines[1].kind, HunkLineKind::removed);
  EXPECT_EQ(hunk.lines[2].text, "c");
  EXPECT_EQ(plan.rationale, "Fix:");
  EXPECT_NE(plan.edits[0].label.find("@@ -99,3 +99,3 @@"), std::string::npos);

  // Unfenced, two hunks, prose after a blank line, a line that lost its prefix.
  plan = plan_of("@@ @@\n a\n-b\n+c\n@@ @@\n x\nnew line\n y\n\nThat is all.\n");
  ASSERT_EQ(plan.edits.size(), 2u);
  EXPECT_EQ(std::get<DiffHunk>(plan.edits[1].body).lines[1].kind, HunkLineKind::unmarked);
  EXPECT_EQ(plan.rationale, "That is all.");
}

TEST(ReplyParser, DiffForSeveralFilesKeepsOurs) {
  auto plan = plan_of("--- a/other.py\n+++ b/other.py\n@@ -1 +1 @@\n-q\n+r\n--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1 @@\n-a\n+b\n");
  ASSERT_EQ(plan.edits.size(), 1u);
  EXPECT_EQ(std::get<DiffHunk>(plan.edits[0].body).lines[0].text, "a");
  EXPECT_NE(failure_of("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-q\n+r\n--- a/y.py\n+++ b/y.py\n@@ -1 +1 @@\n-a\n+b\n")
                .find("none of them is src/app.py"),
            std::string::npos);
}

TEST(ReplyParser, CodeBlocks) {
  auto plan = plan_of("Here is the function:\n\n```python\ndef f():\n    return 1\n```\n\nRun it with:\n```bash\npython app.py\n```\n");
  ASSERT_EQ(plan.edits.size(), 1u);
  EXPECT_EQ(std::get<RegionReplacement>(plan.edits[0].body).lines.size(), 2u);
  EXPECT_NE(failure_of("```python\na = 1\n```\nand\n```python\nb = 2\n```\n").find("2 code blocks"), std::string::npos);
}

TEST(ReplyParser, NoChangeAndBareText) {
  auto plan = plan_of("NO CHANGE: the function already handles None.");
  EXPECT_TRUE(plan.declared_no_change);
  EXPECT_EQ(plan.rationale, "the function already handles None.");
  plan = plan_of("**No changes needed** - it is fine.");
  EXPECT_TRUE(plan.declared_no_change);
  EXPECT_EQ(plan.rationale, "No changes needed - it is fine.");
  plan = plan_of("def f():\n    return 2\n");
  ASSERT_EQ(plan.edits.size(), 1u);
  EXPECT_FALSE(std::get<RegionReplacement>(plan.edits[0].body).fenced);
  EXPECT_NE(failure_of("   \n").find("empty"), std::string::npos);
}

TEST(ReplyParser, ObjectsInsideCodeFencesAreCode) {
  const auto plan = plan_of("Use a dict:\n```python\n{\"content\": \"hello\", \"code\": 1}\n```\n");
  ASSERT_EQ(plan.edits.size(), 1u);
  const auto& region = std::get<RegionReplacement>(plan.edits[0].body);
  EXPECT_EQ(region.lines, (std::vector<std::string>{"{\"content\": \"hello\", \"code\": 1}"}));
}

TEST(ReplyParser, FencesInsideBothPartsAreMarkup) {
  const auto plan = plan_of("<<<<<<< SEARCH\n```python\n    pass\n```\n=======\n```python\n    return 1\n```\n>>>>>>> REPLACE\n");
  ASSERT_EQ(plan.edits.size(), 1u);
  EXPECT_EQ(sr(plan, 0).search, (std::vector<std::string>{"    pass"}));
  EXPECT_EQ(sr(plan, 0).replace, (std::vector<std::string>{"    return 1"}));
}

TEST(ReplyParser, NoChangeNeedsAVerdict) {
  EXPECT_TRUE(plan_of("No changes are required; it already works.").declared_no_change);
  EXPECT_TRUE(plan_of("no change.").declared_no_change);
  const auto plan = plan_of("No change to the signature; here is the body:\n```python\n    return 1\n```\n");
  EXPECT_FALSE(plan.declared_no_change);
  EXPECT_EQ(plan.edits.size(), 1u);
}

// Lines like the markers inside a block: every "=======" is a possible split, and with the
// markers spelled out, "<<<<<<< HEAD" and a bare ">>>>>>>" are content.
TEST(ReplyParser, MarkerLikeLinesInsideABlockAreKeptAsPossibleSplits) {
  const auto plan = plan_of("<<<<<<< SEARCH\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>>\n=======\nc\n>>>>>>> REPLACE\n");
  ASSERT_EQ(plan.edits.size(), 1u);
  const auto& block = sr(plan, 0);
  EXPECT_EQ(block.search, (std::vector<std::string>{"<<<<<<< HEAD", "a"}));
  ASSERT_EQ(block.splits.size(), 2u);
  EXPECT_EQ(block.splits[1].first, (std::vector<std::string>{"<<<<<<< HEAD", "a", "=======", "b", ">>>>>>>"}));
  EXPECT_EQ(block.splits[1].second, (std::vector<std::string>{"c"}));
  // One divider: no alternatives.
  EXPECT_TRUE(sr(plan_of("<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n"), 0).splits.empty());
  // Conflict-style markers alone still work as markers.
  const auto conflict_style = plan_of("<<<<<<< HEAD\nx\n=======\ny\n>>>>>>>\n");
  EXPECT_EQ(sr(conflict_style, 0).replace, (std::vector<std::string>{"y"}));
}
