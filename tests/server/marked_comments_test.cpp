// SPDX-License-Identifier: GPL-3.0-or-later
// `lamp patch --all-marked`: every marked comment of a file (docs/protocol.md, CLI additions).
#include "cli/marked_comments.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using lamp::cli::language_of;
using lamp::cli::marked_comments;

namespace {

std::vector<std::string> found(const std::string& text, const std::string& file) {
  std::vector<std::string> out;
  for (const auto& r : marked_comments(text, language_of(file))) out.push_back(text.substr(r.begin, r.end - r.begin));
  return out;
}

}  // namespace

TEST(MarkedComments, BlocksRunDownFromTheMarkedLineNotUp) {
  const std::string py =
      "# about this file\n"
      "# wisp: add logging\n"
      "# to every function\n"
      "# fix the typo AI!\n"
      "x = 1\n";
  EXPECT_EQ(found(py, "a.py"),
            (std::vector<std::string>{"# wisp: add logging\n# to every function\n", "# fix the typo AI!\n"}));
}

TEST(MarkedComments, TrailingCommentsStringsAndQuestions) {
  const std::string c =
      "int f(int x) {\n"
      "  return x * 2; // use a shift ai!\n"
      "  puts(\"// wisp: not a comment\");\n"
      "  /* wisp: check x */ int y = 0;\n"
      "  // is this right AI?\n"
      "  return y;  /* WISP: y is unused */\n"
      "}\n";
  EXPECT_EQ(found(c, "f.c"), (std::vector<std::string>{"// use a shift ai!", "/* wisp: check x */",
                                                        "/* WISP: y is unused */"}));
  EXPECT_TRUE(found("x = 1  # TODO: later\n", "a.py").empty());
}
