// SPDX-License-Identifier: GPL-3.0-or-later
// Content-addressed block location: levels, ambiguity, blank lines, near-miss description.
#include "patch/block_locator.hpp"

#include <gtest/gtest.h>

using namespace lamp::patch;

namespace {

Located find(const std::string& text, const std::vector<std::string>& needle, std::size_t from = 0) {
  const Lines doc = split_lines(text);
  KeyCache cache;
  return locate(doc, needle, from, cache);
}

}  // namespace

TEST(BlockLocator, ExactBeforeLooser) {
  const auto found = find("a\n  b\nc\n", {"  b", "c"});
  ASSERT_EQ(found.matches.size(), 1u);
  EXPECT_EQ(found.level, MatchLevel::exact);
  EXPECT_EQ(found.matches[0].begin, 1u);
  EXPECT_EQ(found.matches[0].end, 3u);
}

TEST(BlockLocator, TrailingWhitespaceAndIndentation) {
  EXPECT_EQ(find("a  \nb\n", {"a", "b"}).level, MatchLevel::trailing_whitespace);
  const auto found = find("def f():\n    return  1\n", {"def f():", "  return 1"});
  ASSERT_EQ(found.matches.size(), 1u);
  EXPECT_EQ(found.level, MatchLevel::whitespace);
}

TEST(BlockLocator, CrlfLinesMatchLfNeedles) {
  const auto found = find("a\r\nb\r\n", {"a", "b"});
  ASSERT_EQ(found.matches.size(), 1u);
  EXPECT_EQ(found.level, MatchLevel::exact);
}

TEST(BlockLocator, ReportsEveryPlaceWhenAmbiguous) {
  const auto found = find("x\ny\nx\ny\n", {"x", "y"});
  ASSERT_EQ(found.matches.size(), 2u);
  EXPECT_EQ(describe_lines(found.matches), "lines 1 and 3");
  EXPECT_EQ(find("x\ny\nx\ny\n", {"x", "y"}, 1).matches.size(), 1u);  // from
}

TEST(BlockLocator, BlankLinesSkippedAtTheLastLevel) {
  const auto found = find("def a():\n    pass\n\n\ndef b():\n    pass\n", {"    pass", "def b():"});
  ASSERT_EQ(found.matches.size(), 1u);
  EXPECT_EQ(found.level, MatchLevel::blank_lines);
  EXPECT_EQ(found.matches[0].begin, 1u);
  EXPECT_EQ(found.matches[0].end, 5u);
  EXPECT_EQ(found.matches[0].map, (std::vector<std::ptrdiff_t>{1, 4}));
  const auto extra = find("a\nb\n", {"a", "", "b"});
  ASSERT_EQ(extra.matches.size(), 1u);
  EXPECT_EQ(extra.matches[0].map, (std::vector<std::ptrdiff_t>{0, -1, 1}));
}

TEST(BlockLocator, NoMatch) {
  EXPECT_TRUE(find("a\nb\n", {"c"}).matches.empty());
  EXPECT_TRUE(find("", {"c"}).matches.empty());
}

TEST(BlockLocator, DescribesTheClosestRegion) {
  const Lines doc = split_lines("one\ntwo\nthree\nfour\nfive\n");
  const std::string text = describe_closest(doc, {"three", "FOUR!", "five"});
  EXPECT_NE(text.find("lines 3-5"), std::string::npos) << text;
  EXPECT_NE(text.find("three\nfour\nfive\n"), std::string::npos) << text;
  EXPECT_EQ(describe_closest(doc, {"nothing", "alike"}), "");
}
