// SPDX-License-Identifier: GPL-3.0-or-later
// wisp.rebase's merge: a proposal carried over the user's edits, hunk by hunk. Every merge is
// compared with the real `git merge-file -p` on the same three texts, and every rebased diff
// is applied with GNU patch and git apply.
#include "patch/errors.hpp"
#include "patch/merge3.hpp"
#include "patch/rebase.hpp"
#include "patch/strict_apply.hpp"
#include "patch/unified_diff.hpp"

#include "support/real_tools.hpp"

#include <gtest/gtest.h>

using namespace lamp::patch;
using lamp::patch::testing::applies_with_real_tools;
using lamp::patch::testing::run_process;
using lamp::patch::testing::TempDir;
using lamp::patch::testing::write_file;

namespace {

constexpr const char* kRel = "src/funcs.py";

// Ten functions of three lines each: "def fN():" at line 3N-2, "    return N" at 3N-1, blank at 3N.
std::string functions(int count = 10) {
  std::string out;
  for (int n = 1; n <= count; ++n) {
    out += "def f" + std::to_string(n) + "():\n    return " + std::to_string(n) + "\n\n";
  }
  return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

struct GitMerge {
  int exit_code = -1;  // the number of conflicts, as git merge-file reports them
  std::string text;
};

// `git merge-file -p current base theirs`: the reference every merge here must equal.
GitMerge git_merge_file(const std::string& base, const std::string& current, const std::string& theirs) {
  TempDir tmp;
  write_file(tmp.file("base"), base);
  write_file(tmp.file("current"), current);
  write_file(tmp.file("theirs"), theirs);
  const auto r = run_process({"git", "merge-file", "-p", "-q", tmp.file("current"), tmp.file("base"), tmp.file("theirs")});
  return {r.exit_code, r.output};
}

// Rebases the diff base→proposal onto current and checks the result against git merge-file on
// (base, current, expected_theirs): the proposal itself, or what of it merged cleanly.
RebaseResult rebase_and_compare(const std::string& base, const std::string& current, const std::string& proposal,
                                const std::string& expected_theirs) {
  const std::string diff = unified_diff(base, proposal, kRel);
  RebaseResult r = rebase_diff(base, current, diff);
  const GitMerge git = git_merge_file(base, current, expected_theirs);
  EXPECT_EQ(git.exit_code, 0) << git.text;
  EXPECT_EQ(r.merged, git.text);
  EXPECT_EQ(apply_unified_diff(current, r.patch), git.text);
  if (!r.patch.empty()) {
    EXPECT_EQ(r.patch.rfind("--- a/src/funcs.py\n+++ b/src/funcs.py\n@@ ", 0), 0u) << r.patch;
    EXPECT_TRUE(applies_with_real_tools(current, kRel, r.patch, git.text));
  }
  return r;
}

}  // namespace

TEST(Merge3, CleanMergeKeepsBothSidesLikeGit) {
  const std::string base = functions();
  const std::string ours = replaced(base, "return 1\n", "return 100\n");
  const std::string theirs = replaced(base, "return 9\n", "return 900\n");
  const MergeOutcome m = merge_three_way(base, ours, theirs);
  EXPECT_TRUE(m.clean);
  EXPECT_EQ(m.text, git_merge_file(base, ours, theirs).text);
  EXPECT_NE(m.text.find("return 100\n"), std::string::npos);
  EXPECT_NE(m.text.find("return 900\n"), std::string::npos);
}

TEST(Merge3, SameLineChangedDifferentlyIsAConflictLikeGit) {
  const std::string base = functions();
  const MergeOutcome m = merge_three_way(base, replaced(base, "return 5\n", "return 50\n"),
                                         replaced(base, "return 5\n", "return 55\n"));
  EXPECT_FALSE(m.clean);
  EXPECT_EQ(git_merge_file(base, replaced(base, "return 5\n", "return 50\n"), replaced(base, "return 5\n", "return 55\n")).exit_code, 1);
}

TEST(Rebase, UserEditAboveTheHunk) {
  const std::string base = functions();
  const std::string current = "import os\n\n" + base;
  const std::string proposal = replaced(base, "return 7\n", "return 7 * 2\n");
  const RebaseResult r = rebase_and_compare(base, current, proposal, proposal);
  EXPECT_TRUE(r.conflicts.empty());
  EXPECT_EQ(r.merged, "import os\n\n" + proposal);
  // The hunk (-17,7 in base) moved down by the two lines the user added.
  EXPECT_NE(r.patch.find("@@ -19,7 +19,7 @@"), std::string::npos) << r.patch;
}

TEST(Rebase, UserEditInsideTheHunksContextLines) {
  const std::string base = functions();
  // Line 11 ("    return 4") is context of the hunk changing line 14; the exact old text is gone.
  const std::string current = replaced(base, "return 4\n", "return 4  # four\n");
  const std::string proposal = replaced(base, "return 5\n", "return 5 + 0\n");
  const std::string old_hunk_text = "    return 4\n\ndef f5():\n    return 5\n";
  ASSERT_EQ(current.find(old_hunk_text), std::string::npos);
  const RebaseResult r = rebase_and_compare(base, current, proposal, proposal);
  EXPECT_TRUE(r.conflicts.empty());
  EXPECT_NE(r.merged.find("    return 4  # four\n\ndef f5():\n    return 5 + 0\n"), std::string::npos) << r.merged;
}

TEST(Rebase, UserEditOverlappingTheChangedLinesIsAConflict) {
  const std::string base = functions();
  const std::string current = replaced(base, "return 5\n", "return 5.0\n");
  const std::string proposal = replaced(base, "return 5\n", "return 5 + 0\n");
  EXPECT_EQ(git_merge_file(base, current, proposal).exit_code, 1);  // git agrees it conflicts
  // Nothing merged cleanly, so the reference is git merge-file with the proposal left out.
  const RebaseResult r = rebase_and_compare(base, current, proposal, base);
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].hunk, 0u);
  EXPECT_EQ(r.conflicts[0].old_start, 11u);
  EXPECT_EQ(r.conflicts[0].old_lines, 7u);
  EXPECT_NE(r.conflicts[0].message.find("hunk 1 (line 11 of base_text)"), std::string::npos) << r.conflicts[0].message;
  EXPECT_EQ(r.patch, "");
  EXPECT_EQ(r.merged, current);
}

TEST(Rebase, UserDeletedTheRegionTheHunkChanges) {
  const std::string base = functions();
  const std::string current = replaced(base, "def f5():\n    return 5\n\n", "");
  const std::string proposal = replaced(base, "return 5\n", "return 5 + 0\n");
  EXPECT_EQ(git_merge_file(base, current, proposal).exit_code, 1);
  const RebaseResult r = rebase_and_compare(base, current, proposal, base);
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.patch, "");
}

TEST(Rebase, UserDeletedAnotherRegion) {
  const std::string base = functions();
  const std::string current = replaced(base, "def f2():\n    return 2\n\n", "");
  const std::string proposal = replaced(base, "return 8\n", "return 8 + 0\n");
  const RebaseResult r = rebase_and_compare(base, current, proposal, proposal);
  EXPECT_TRUE(r.conflicts.empty());
  EXPECT_EQ(r.merged, replaced(current, "return 8\n", "return 8 + 0\n"));
}

TEST(Rebase, SeveralHunksOneConflictingTheOthersGoThrough) {
  const std::string base = functions();
  const std::string current = replaced("# header\n" + base, "return 5\n", "return 5.0\n");
  std::string proposal = replaced(base, "return 2\n", "return 2 + 0\n");
  proposal = replaced(proposal, "return 5\n", "return 5 + 0\n");
  proposal = replaced(proposal, "return 9\n", "return 9 + 0\n");
  const std::string diff = unified_diff(base, proposal, kRel);
  ASSERT_EQ(std::count(diff.begin(), diff.end(), '@'), 12) << "three hunks: " << diff;
  EXPECT_EQ(git_merge_file(base, current, proposal).exit_code, 1);
  // Hunks 0 and 2 merge; git merge-file on the proposal without hunk 1 must give the same text.
  const std::string clean_part = replaced(replaced(base, "return 2\n", "return 2 + 0\n"), "return 9\n", "return 9 + 0\n");
  const RebaseResult r = rebase_and_compare(base, current, proposal, clean_part);
  ASSERT_EQ(r.conflicts.size(), 1u);
  EXPECT_EQ(r.conflicts[0].hunk, 1u);
  EXPECT_EQ(r.conflicts[0].old_start, 11u);
  EXPECT_NE(r.merged.find("return 2 + 0\n"), std::string::npos);
  EXPECT_NE(r.merged.find("return 5.0\n"), std::string::npos);
  EXPECT_NE(r.merged.find("return 9 + 0\n"), std::string::npos);
  EXPECT_EQ(r.merged.find("return 5 + 0\n"), std::string::npos);
}

TEST(Rebase, UnchangedCurrentTextGivesTheProposal) {
  const std::string base = functions();
  const std::string proposal = replaced(base, "return 3\n", "return 3 + 0\n");
  const RebaseResult r = rebase_and_compare(base, base, proposal, proposal);
  EXPECT_EQ(r.merged, proposal);
  EXPECT_EQ(r.patch, unified_diff(base, proposal, kRel));
}

TEST(Rebase, LastLineWithoutNewline) {
  const std::string base = "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\ng = 7\nh = 8";
  const std::string current = "# top\n" + base;
  const std::string proposal = "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\ng = 7\nh = 80";
  const RebaseResult r = rebase_and_compare(base, current, proposal, proposal);
  EXPECT_EQ(r.merged, "# top\n" + proposal);
  EXPECT_NE(r.patch.find("\\ No newline at end of file"), std::string::npos);
}

TEST(Rebase, AnySubsetOfADiffsHunksIsAccepted) {
  const std::string base = functions();
  std::string proposal = replaced(base, "return 2\n", "return 2\n    # two more lines\n    # here\n");
  proposal = replaced(proposal, "return 9\n", "return 9 + 0\n");
  const std::string diff = unified_diff(base, proposal, kRel);
  // The second hunk alone, its "+c" still counting the first hunk's two added lines.
  const std::string second = diff.substr(0, diff.find("@@")) + diff.substr(diff.rfind("@@ -"));
  ASSERT_NE(second.find("+25,7 @@"), std::string::npos) << second;
  const std::string current = "# header\n" + base;
  const RebaseResult r = rebase_diff(base, current, second);
  EXPECT_TRUE(r.conflicts.empty());
  EXPECT_EQ(r.merged, replaced(current, "return 9\n", "return 9 + 0\n"));
  EXPECT_EQ(r.merged, git_merge_file(base, current, replaced(base, "return 9\n", "return 9 + 0\n")).text);
}

TEST(Rebase, UnusableInputsNameTheField) {
  const std::string base = functions();
  const std::string diff = unified_diff(base, replaced(base, "return 3\n", "return 33\n"), kRel);
  auto message_of = [](auto&& fn) -> std::string {
    try {
      fn();
    } catch (const InvalidRequest& e) {
      return e.what();
    }
    return "<no error>";
  };
  EXPECT_NE(message_of([&] { rebase_diff("other text\n", base, diff); }).find("patch: the diff does not apply to base_text"),
            std::string::npos);
  EXPECT_NE(message_of([&] { rebase_diff(base, base, "not a diff\n"); }).find("patch: expected a unified diff"), std::string::npos);
  EXPECT_NE(message_of([&] { rebase_diff(base, base, "--- a/x\n+++ b/x\n@@ nonsense @@\n"); }).find("patch: bad hunk header at line 3"),
            std::string::npos);
  EXPECT_NE(message_of([&] { rebase_diff(base + "\xff", base, diff); }).find("base_text is not valid UTF-8"), std::string::npos);
  EXPECT_NE(message_of([&] { rebase_diff(base, base + "\xc3", diff); }).find("current_text is not valid UTF-8"), std::string::npos);
  EXPECT_EQ(rebase_diff(base, "x\n", "").patch, "");
}
