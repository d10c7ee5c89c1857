// SPDX-License-Identifier: GPL-3.0-or-later
// Excerpts of large files: the enclosing function verbatim with line numbers, the outline of the
// rest, the +-80 lines fallback, merged windows, and awkward texts (empty, CRLF, no final newline).
#include "context/excerpt.hpp"
#include "context/ctags.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace lamp::context {
namespace {

// A Python file of `functions` ten-line functions: "def f<i>(a, b):" starts at line 10*i + 1.
std::string python_file(int functions) {
  std::string text;
  for (int i = 0; i < functions; ++i) {
    text += "def f" + std::to_string(i) + "(a, b):\n    \"\"\"Doc.\"\"\"\n";
    for (int k = 0; k < 6; ++k) text += "    x" + std::to_string(k) + " = a * " + std::to_string(k) + " + b\n";
    text += "    return x0\n\n";
  }
  return text;
}

ByteRange range_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return {at, at + needle.size()};
}

// The file's lines the excerpt shows verbatim, without their numbers: "<n>\t<line>" -> line.
std::vector<std::pair<int, std::string>> verbatim_lines(const std::string& excerpt) {
  std::vector<std::pair<int, std::string>> lines;
  std::istringstream in(excerpt);
  std::string line;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    if (line.starts_with("...")) continue;
    EXPECT_NE(tab, std::string::npos) << line;
    lines.emplace_back(std::stoi(line.substr(0, tab)), line.substr(tab + 1));
  }
  return lines;
}

TEST(Excerpt, EnclosingFunctionVerbatimWithNumbersAndOutlineOfTheRest) {
  const CtagsTool ctags;
  if (!ctags.probe().usable) GTEST_SKIP() << ctags.probe().status;
  const std::string text = python_file(500);  // 5,000 lines
  const auto tags = ctags.tags_of_text(text, "src/big.py");
  ASSERT_TRUE(tags);
  ASSERT_EQ(tags->size(), 500u);
  // A selection inside f250 (lines 2501-2510).
  const auto selection = range_of(text, "    x3 = a * 3 + b\n    x4 = a * 4 + b\n    x5 = a * 5 + b\n    return x0\n\ndef f251");
  const ByteRange inside{selection.begin, selection.begin + 10};
  const auto out = excerpt(text, {inside}, &*tags);

  EXPECT_NE(out.find("2501\tdef f250(a, b):\n2502\t    \"\"\"Doc.\"\"\"\n"), std::string::npos) << out;
  EXPECT_NE(out.find("2509\t    return x0\n"), std::string::npos) << out;
  // The outline lists the 120 definitions nearest to the shown lines and counts the others.
  EXPECT_NE(out.find("... lines 1-2497 omitted; definitions there:\n... 1901: def f190(a, b)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("... 2491: def f249(a, b)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("... 2521: def f252(a, b)\n"), std::string::npos) << out;
  EXPECT_NE(out.find("... and 190 more definitions farther away\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("def f0(a, b)"), std::string::npos) << out;
  EXPECT_EQ(out.find("def f250(a, b)\n"), std::string::npos) << "the shown function is not in the outline";
  EXPECT_LT(out.size() * 20, text.size()) << "an excerpt is much smaller than the file";
  for (const auto& [number, line] : verbatim_lines(out)) {
    EXPECT_GE(number, 2498);
    EXPECT_LE(number, 2513);
  }
}

TEST(Excerpt, VerbatimLinesGiveTheFileBackWhenTheWholeFileIsShown) {
  const std::string text = "a\r\n\tb\r\n\r\nlast line without newline";
  const auto out = excerpt(text, {{0, text.size()}}, nullptr);
  EXPECT_EQ(out, "1\ta\r\n2\t\tb\r\n3\t\r\n4\tlast line without newline\n");
}

TEST(Excerpt, WithoutTagsShowsEightyLinesEachSideAndNotesTheOmittedRanges) {
  const std::string text = python_file(100);  // 1,000 lines
  const auto out = excerpt(text, {range_of(text, "def f50(")}, nullptr);  // line 501
  const auto lines = verbatim_lines(out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front().first, 421);
  EXPECT_EQ(lines.back().first, 581);
  EXPECT_EQ(lines.size(), 161u);
  EXPECT_TRUE(out.starts_with("... lines 1-420 omitted\n")) << out.substr(0, 100);
  EXPECT_TRUE(out.ends_with("... lines 582-1000 omitted\n"));
  EXPECT_EQ(lines[80].second, "def f50(a, b):");
}

TEST(Excerpt, OverlappingWindowsMerge) {
  const std::string text = python_file(100);
  const auto out = excerpt(text, {range_of(text, "def f50("), range_of(text, "def f60(")}, nullptr);  // 501, 601
  const auto lines = verbatim_lines(out);
  EXPECT_EQ(lines.front().first, 421);
  EXPECT_EQ(lines.back().first, 681);
  EXPECT_EQ(lines.size(), 261u) << "one window, every line once";
  EXPECT_EQ(out.find("omitted", out.find("\t")), out.rfind("omitted")) << "nothing omitted between the two:\n";

  const auto apart = excerpt(text, {range_of(text, "def f10("), range_of(text, "def f80(")}, nullptr);
  EXPECT_NE(apart.find("... lines 182-720 omitted\n"), std::string::npos);
}

TEST(Excerpt, SelectionsAtTheStartAndTheEnd) {
  const std::string text = python_file(100);
  const auto out = excerpt(text, {{0, 0}, {text.size(), text.size()}}, nullptr);
  const auto lines = verbatim_lines(out);
  EXPECT_EQ(lines.front().first, 1);
  EXPECT_EQ(lines.back().first, 1000);
  EXPECT_NE(out.find("\n... lines 82-919 omitted\n 920\t"), std::string::npos) << out;
  EXPECT_EQ(lines.size(), 81u + 81u);
}

TEST(Excerpt, EmptyTextAndOutOfRangeSelectionsAreHarmless) {
  EXPECT_EQ(excerpt("", {{0, 10}}, nullptr), "");
  EXPECT_EQ(excerpt("one\n", {{50, 2}}, nullptr), "1\tone\n");
  EXPECT_EQ(excerpt("one\ntwo", {}, nullptr), "... lines 1-2 omitted\n");
}

TEST(Excerpt, HugeLinesAreNeverCut) {
  std::string text = "short\n" + std::string(100000, 'x') + "\xc3\xa9\n" + "tail\n";
  const auto out = excerpt(text, {{1, 2}}, nullptr);
  EXPECT_EQ(out, "1\tshort\n2\t" + std::string(100000, 'x') + "\xc3\xa9\n3\ttail\n");
}

TEST(Excerpt, LongEnclosingDefinitionFallsBackToContextLines) {
  const CtagsTool ctags;
  if (!ctags.probe().usable) GTEST_SKIP() << ctags.probe().status;
  std::string text = "class Big:\n";
  for (int i = 0; i < 1000; ++i) text += "    v" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  const auto tags = ctags.tags_of_text(text, "big.py");
  ASSERT_TRUE(tags);
  const auto out = excerpt(text, {range_of(text, "    v500 = ")}, &*tags);  // line 502
  const auto lines = verbatim_lines(out);
  EXPECT_EQ(lines.front().first, 422);
  EXPECT_EQ(lines.back().first, 582);
  EXPECT_TRUE(out.starts_with("... lines 1-421 omitted; definitions there:\n...    1: class Big\n")) << out.substr(0, 200);
}

}  // namespace
}  // namespace lamp::context
