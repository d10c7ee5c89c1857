// SPDX-License-Identifier: GPL-3.0-or-later
// `lamp patch --line`: the comment block at a line, as wisp picks the comment at point.
#include "cli/comment_block.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

using lamp::cli::comment_block_at_line;
using lamp::cli::language_of;

namespace {

// The text `lamp patch FILE --line L` selects, or "<none>".
std::string selected(const std::string& text, const std::string& file, std::size_t line) {
  const auto range = comment_block_at_line(text, language_of(file), line);
  return range ? text.substr(range->begin, range->end - range->begin) : "<none>";
}

}  // namespace

TEST(CommentBlock, AdjacentWholeLineCommentsFormOneBlockWithTheirNewline) {
  const std::string py =
      "import os\n"
      "\n"
      "def f(x):\n"
      "    # TODO: validate x\n"
      "    # and log it\n"
      "    return x\n";
  for (std::size_t line : {4, 5}) EXPECT_EQ(selected(py, "a.py", line), "# TODO: validate x\n    # and log it\n");
  EXPECT_EQ(selected(py, "a.py", 3), "<none>");
  EXPECT_EQ(selected(py, "a.py", 6), "<none>");
  EXPECT_EQ(selected(py, "a.py", 99), "<none>");
  EXPECT_EQ(selected(py, "a.py", 0), "<none>");
}

TEST(CommentBlock, ATrailingCommentIsJustThatComment) {
  const std::string py = "# header\nx = 1  # TODO: make it 2\ny = 2\n";
  EXPECT_EQ(selected(py, "a.py", 2), "# TODO: make it 2\n");
}

TEST(CommentBlock, StringsAreNotComments) {
  const std::string py = "s = \"a # not a comment\"\nt = '''\n# still a string\n'''\n";
  EXPECT_EQ(selected(py, "a.py", 1), "<none>");
  EXPECT_EQ(selected(py, "a.py", 3), "<none>");
  const std::string c = "const char* s = \"/* no */\"; // yes\n";
  EXPECT_EQ(selected(c, "a.c", 1), "// yes\n");
}

TEST(CommentBlock, BlockCommentsAcrossLinesAreSelectedWhole) {
  const std::string c =
      "int x;\n"
      "/* TODO: make this\n"
      " * thread-safe */\n"
      "// and fast\n"
      "int y;\n";
  // From any of its lines; a following whole-line comment joins it, and the block takes the
  // newline of the line it fills.
  for (std::size_t line : {2, 3}) {
    EXPECT_EQ(selected(c, "a.c", line), "/* TODO: make this\n * thread-safe */\n// and fast\n") << line;
  }
  EXPECT_EQ(selected(c, "a.c", 4), "// and fast\n") << "the line above is inside a comment, not one";
}

TEST(CommentBlock, TheCommentSyntaxFollowsTheExtension) {
  EXPECT_EQ(selected("(defun f ()\n  ;; TODO: return 1\n  nil)\n", "init.el", 2), ";; TODO: return 1\n");
  EXPECT_EQ(selected("x = 1\n-- TODO: y\n", "q.sql", 2), "-- TODO: y\n");
  EXPECT_EQ(selected("local x = 1\n--[[ TODO:\n  more ]]\n", "m.lua", 3), "--[[ TODO:\n  more ]]\n");
  EXPECT_EQ(selected("<p>\n<!-- TODO: title -->\n</p>\n", "i.html", 2), "<!-- TODO: title -->\n");
  EXPECT_EQ(selected("// not a comment in Python\n", "a.py", 1), "<none>");
  EXPECT_EQ(selected("all:\n\t# TODO: build\n", "Makefile", 2), "# TODO: build\n");
  EXPECT_EQ(language_of("a.py").name, "python");
  EXPECT_EQ(language_of("a.C").name, "c");
  EXPECT_EQ(language_of("notes").name, "text");
}

TEST(CommentBlock, ALastLineWithoutNewline) {
  EXPECT_EQ(selected("x = 1\n# TODO: more", "a.py", 2), "# TODO: more");
}

TEST(CommentBlock, AnApostropheOutsideAStringDoesNotHideLaterComments) {
  EXPECT_EQ(selected("echo don't\n# TODO: quote it\n", "a.sh", 2), "# TODO: quote it\n");
}
