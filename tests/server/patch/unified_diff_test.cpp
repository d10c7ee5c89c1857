// SPDX-License-Identifier: GPL-3.0-or-later
// Diff generation: headers, context, "\ No newline at end of file", CRLF, and the strict
// verifier; every diff is also applied with the real tools.
#include "patch/strict_apply.hpp"
#include "patch/unified_diff.hpp"

#include "support/real_tools.hpp"

#include <random>

#include <gtest/gtest.h>

using namespace lamp::patch;
using lamp::patch::testing::applies_with_real_tools;

namespace {

struct DiffCase {
  const char* name;
  std::string before;
  std::string after;
};

std::string numbered(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) out += "line " + std::to_string(i) + "\n";
  return out;
}

}  // namespace

TEST(UnifiedDiff, ExactFormat) {
  const std::string diff = unified_diff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n", "src/x.py");
  EXPECT_EQ(diff, "--- a/src/x.py\n+++ b/src/x.py\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");
}

TEST(UnifiedDiff, NoChangeIsEmpty) { EXPECT_EQ(unified_diff("same\n", "same\n", "x"), ""); }

TEST(UnifiedDiff, NoNewlineMarkers) {
  EXPECT_EQ(unified_diff("a\nb", "a\nc", "f"), "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n");
  EXPECT_EQ(unified_diff("a\nb", "a\nb\n", "f"), "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
}

TEST(UnifiedDiff, SpaceInPathGetsATab) {
  const std::string diff = unified_diff("a\n", "b\n", "my dir/x y.py");
  EXPECT_TRUE(diff.starts_with("--- a/my dir/x y.py\t\n+++ b/my dir/x y.py\t\n")) << diff;
}

TEST(UnifiedDiff, AppliesWithRealToolsAndStrictApplier) {
  const std::vector<DiffCase> cases = {
      {"middle", numbered(1, 30), numbered(1, 14) + "inserted\n" + numbered(15, 30)},
      {"two hunks", numbered(1, 40), "changed 1\n" + numbered(2, 35) + "changed 36\n" + numbered(37, 40)},
      {"from empty", "", "x\ny\n"},
      {"to one line", "x\n", "y"},
      {"no newline both", "a\nb\nc", "a\nB\nc"},
      {"add final newline", "a\nb", "a\nb\n"},
      {"drop final newline", "a\nb\n", "a\nb"},
      {"crlf", "a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"},
      {"mixed eol", "a\r\nb\nc\r\n", "a\r\nb\nC\r\nd\n"},
      {"utf8", "caf\xC3\xA9\n\xF0\x9F\x8E\x89\n", "caf\xC3\xA9!\n\xF0\x9F\x8E\x89\n"},
      {"delete all but one", numbered(1, 5), "line 3\n"},
      {"prepend", "b\n", "a\nb\n"},
  };
  for (const auto& c : cases) {
    const std::string diff = unified_diff(c.before, c.after, "dir/file.txt");
    EXPECT_EQ(apply_unified_diff(c.before, diff), c.after) << c.name;
    EXPECT_TRUE(applies_with_real_tools(c.before, "dir/file.txt", diff, c.after)) << c.name;
  }
}

TEST(StrictApply, RejectsWrongContextAndCounts) {
  const std::string before = "a\nb\nc\n";
  EXPECT_THROW(apply_unified_diff(before, "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-x\n+y\n"), PatchMismatch);
  EXPECT_THROW(apply_unified_diff(before, "--- a/f\n+++ b/f\n@@ -1,3 +1,2 @@\n a\n-b\n+y\n"), PatchMismatch);
  EXPECT_THROW(apply_unified_diff(before, "--- a/f\n+++ b/f\n@@ -2,2 +2,2 @@\n a\n-b\n+y\n"), PatchMismatch);  // wrong position
  EXPECT_THROW(apply_unified_diff(before, "@@ -1 +1 @@\n-a\n+b\n"), PatchMismatch);
  EXPECT_EQ(apply_unified_diff(before, "--- a/f\n+++ b/f\n@@ -2 +2 @@\n-b\n+y\n"), "a\ny\nc\n");
}

TEST(UnifiedDiff, TrimmingCommonEndsChangesNothing) {
  // Random texts with few distinct lines (so changes can slide) and random edits near the
  // ends, in the middle and across the 100-line margins; with and without final newline/CRLF.
  std::mt19937 rng(20240611);
  const std::vector<std::string> pool = {"a", "b", "{", "}", "", "    x = 1", "return"};
  DiffOptions untrimmed;
  untrimmed.trim_common_ends = false;
  for (int round = 0; round < 300; ++round) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(0, round % 3 == 0 ? 400 : 40)(rng);
    const std::string eol = round % 5 == 0 ? "\r\n" : "\n";
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < n; ++i) lines.push_back(pool[rng() % pool.size()]);
    std::vector<std::string> edited = lines;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = edited.empty() ? 0 : rng() % (edited.size() + 1);
      switch (rng() % 3) {
        case 0: edited.insert(edited.begin() + static_cast<std::ptrdiff_t>(at), pool[rng() % pool.size()]); break;
        case 1: if (at < edited.size()) edited.erase(edited.begin() + static_cast<std::ptrdiff_t>(at)); break;
        default: if (at < edited.size()) edited[at] += "!"; break;
      }
    }
    auto join = [&](const std::vector<std::string>& v, bool final_newline) {
      std::string out;
      for (std::size_t i = 0; i < v.size(); ++i) out += v[i] + (i + 1 < v.size() || final_newline ? eol : "");
      return out;
    };
    const std::string before = join(lines, rng() % 4 != 0);
    const std::string after = join(edited, rng() % 4 != 0);
    const std::string trimmed = unified_diff(before, after, "f.txt");
    EXPECT_EQ(apply_unified_diff(before, trimmed), after) << "round " << round;
    EXPECT_EQ(trimmed, unified_diff(before, after, "f.txt", untrimmed)) << "round " << round;
  }
}

TEST(UnifiedDiff, LocalEditInAHugeFileHasExactLineNumbers) {
  const std::string before = numbered(1, 200000);
  std::string after = before;
  after.replace(after.find("line 150000\n"), 12, "line 150000 changed\n");
  const std::string diff = unified_diff(before, after, "big.txt");
  EXPECT_EQ(diff, "--- a/big.txt\n+++ b/big.txt\n@@ -149997,7 +149997,7 @@\n line 149997\n line 149998\n line 149999\n"
                  "-line 150000\n+line 150000 changed\n line 150001\n line 150002\n line 150003\n");
  EXPECT_TRUE(applies_with_real_tools(before, "big.txt", diff, after));
}
