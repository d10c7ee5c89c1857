// SPDX-License-Identifier: GPL-3.0-or-later
// SEARCH/REPLACE and hunk application: the repair ladder, ambiguity, placeholders, line ends.
#include "patch/apply_edits.hpp"
#include "patch/indent_style.hpp"

#include "support/apply_helpers.hpp"

#include <gtest/gtest.h>

using namespace lamp::patch;
using namespace lamp::patch::testing;

namespace {

const std::string kPy =
    "import os\n"
    "\n"
    "def area(w, h):\n"
    "    # TODO: validate\n"
    "    return w * h\n"
    "\n"
    "def main():\n"
    "    print(area(2, 3))\n";

}  // namespace

TEST(ApplySearchReplace, Exact) {
  EXPECT_EQ(apply(kPy, "# TODO", {sr_edit("    # TODO: validate\n", "    if w < 0 or h < 0:\n        raise ValueError\n")}),
            "import os\n\ndef area(w, h):\n    if w < 0 or h < 0:\n        raise ValueError\n    return w * h\n\n"
            "def main():\n    print(area(2, 3))\n");
}

TEST(ApplySearchReplace, LineNumbersCopiedFromAnExcerptAreDropped) {
  // An excerpt shows " 4<TAB>    # TODO: validate"; the model kept the numbers in both parts.
  EXPECT_EQ(apply(kPy, "# TODO", {sr_edit(" 4\t    # TODO: validate\n 5\t    return w * h\n",
                                          " 4\t    if w < 0:\n 4\t        raise ValueError\n 5\t    return w * h\n")}),
            "import os\n\ndef area(w, h):\n    if w < 0:\n        raise ValueError\n    return w * h\n\n"
            "def main():\n    print(area(2, 3))\n");
  // Numbers in SEARCH only: REPLACE stays as written.
  EXPECT_EQ(apply(kPy, "# TODO", {sr_edit("4\t    # TODO: validate\n", "    pass\n")}),
            "import os\n\ndef area(w, h):\n    pass\n    return w * h\n\ndef main():\n    print(area(2, 3))\n");
}

TEST(ApplySearchReplace, IndentationInsensitiveWithReindent) {
  // The model dropped the 4-space indentation everywhere.
  const std::string out = apply(kPy, "# TODO", {sr_edit("# TODO: validate\nreturn w * h\n",
                                                        "if w < 0:\n    raise ValueError\nreturn w * h\n")});
  EXPECT_EQ(out, "import os\n\ndef area(w, h):\n    if w < 0:\n        raise ValueError\n    return w * h\n\n"
                 "def main():\n    print(area(2, 3))\n");
}

TEST(ApplySearchReplace, UnchangedLinesAreCopiedVerbatim) {
  const std::string buffer = "def f():\n\tx = 1   \n\treturn x\n";  // tabs, trailing blanks
  const std::string out = apply(buffer, "def", {sr_edit("def f():\n    x = 1\n    return x\n",
                                                        "def f():\n    x = 1\n    y = 2\n    return x\n")});
  EXPECT_EQ(out, "def f():\n\tx = 1   \n\ty = 2\n\treturn x\n");
}

TEST(ApplySearchReplace, BlankLinesInSearchThatTheFileLacks) {
  const std::string out = apply(kPy, "# TODO", {sr_edit("    return w * h\n\n\n\ndef main():\n", "    return w * h\n\ndef main():\n    \"\"\"Entry.\"\"\"\n")});
  EXPECT_EQ(out, "import os\n\ndef area(w, h):\n    # TODO: validate\n    return w * h\n\ndef main():\n    \"\"\"Entry.\"\"\"\n"
                 "    print(area(2, 3))\n");
}

TEST(ApplySearchReplace, AmbiguousMatchFailsAndNamesThePlaces) {
  const std::string buffer = "x = 1\ny = 2\nx = 1\n";
  const std::string out = apply(buffer, "y", {sr_edit("x = 1\n", "x = 3\n")});
  ASSERT_TRUE(failed(out));
  EXPECT_NE(out.find("matches 2 places"), std::string::npos) << out;
  EXPECT_NE(out.find("lines 1 and 3"), std::string::npos) << out;
}

TEST(ApplySearchReplace, NoMatchQuotesTheSearchAndTheClosestLines) {
  const std::string out = apply(kPy, "# TODO", {sr_edit("def area(width, height):\n    # TODO: validate\n", "x\n")});
  ASSERT_TRUE(failed(out));
  EXPECT_NE(out.find("did not match"), std::string::npos);
  EXPECT_NE(out.find("def area(width, height):"), std::string::npos);
  EXPECT_NE(out.find("lines 3-4"), std::string::npos) << out;
}

TEST(ApplySearchReplace, FragmentOfALine) {
  EXPECT_EQ(apply(kPy, "# TODO", {sr_edit("area(2, 3)", "area(4, 5)")}),
            "import os\n\ndef area(w, h):\n    # TODO: validate\n    return w * h\n\ndef main():\n    print(area(4, 5))\n");
}

TEST(ApplySearchReplace, EmptySearchInsertsAfterTheSelection) {
  EXPECT_EQ(apply(kPy, "    # TODO: validate\n", {sr_edit("", "assert w >= 0\n")}),
            "import os\n\ndef area(w, h):\n    # TODO: validate\n    assert w >= 0\n    return w * h\n\n"
            "def main():\n    print(area(2, 3))\n");
}

TEST(ApplySearchReplace, DeletingTheComment) {
  EXPECT_EQ(apply(kPy, "# TODO", {sr_edit("    # TODO: validate\n", "")}),
            "import os\n\ndef area(w, h):\n    return w * h\n\ndef main():\n    print(area(2, 3))\n");
}

TEST(ApplySearchReplace, SeveralBlocksInOrder) {
  EXPECT_EQ(apply(kPy, "# TODO", {sr_edit("import os\n", "import os\nimport sys\n"),
                                  sr_edit("    # TODO: validate\n", "    assert w >= 0\n")}),
            "import os\nimport sys\n\ndef area(w, h):\n    assert w >= 0\n    return w * h\n\ndef main():\n"
            "    print(area(2, 3))\n");
}

TEST(ApplySearchReplace, PlaceholderExpandsToTheElidedLines) {
  const std::string buffer = "def f():\n    a = 1\n    b = 2\n    c = 3\n    return a + b + c\n";
  const std::string out = apply(buffer, "def", {sr_edit("def f():\n    a = 1\n    b = 2\n    c = 3\n    return a + b + c\n",
                                                        "def f():\n    # ... existing code ...\n    return a + b + c + 1\n")});
  EXPECT_EQ(out, "def f():\n    a = 1\n    b = 2\n    c = 3\n    return a + b + c + 1\n");
}

TEST(ApplySearchReplace, PlaceholderStandingForNothingFails) {
  const std::string out = apply(kPy, "# TODO", {sr_edit("    # TODO: validate\n", "    # ... rest of the code ...\n")});
  ASSERT_TRUE(failed(out));
  EXPECT_NE(out.find("placeholder"), std::string::npos);
  // But "..." that stands for nothing is Python's Ellipsis, kept as code.
  EXPECT_EQ(apply("class P:\n    # body\n", "# body", {sr_edit("    # body\n", "    # body\n    ...\n")}),
            "class P:\n    # body\n    ...\n");
}

TEST(ApplySearchReplace, PlaceholderInSearchSplitsTheBlock) {
  const std::string buffer = "a\nb\nc\nd\ne\n";
  EXPECT_EQ(apply(buffer, "a", {sr_edit("a\n...\ne\n", "A\n...\nE\n")}), "A\nb\nc\nd\nE\n");
  EXPECT_TRUE(failed(apply(buffer, "a", {sr_edit("a\n...\ne\n", "A\nE\n")})));
}

TEST(ApplySearchReplace, PreservesCrlfAndMissingFinalNewline) {
  EXPECT_EQ(apply("a\r\nb\r\nc", "b", {sr_edit("b\n", "B1\nB2\n")}), "a\r\nB1\r\nB2\r\nc");
  EXPECT_EQ(apply("a\r\nb\r\nc", "b", {sr_edit("c\n", "C\nD\n")}), "a\r\nb\r\nC\r\nD");
  EXPECT_EQ(apply("a\nb", "a", {sr_edit("b", "")}), "a");
  EXPECT_EQ(apply("", "", {sr_edit("", "hello\n")}), "hello\n");
}

TEST(ApplyHunk, WrongContextIsDroppedPieceByPiece) {
  // The first context line is hallucinated; the rest locates the change.
  EXPECT_EQ(apply(kPy, "# TODO", {hunk_edit(" def area(width, height):\n-    # TODO: validate\n+    assert w >= 0\n     return w * h\n")}),
            "import os\n\ndef area(w, h):\n    assert w >= 0\n    return w * h\n\ndef main():\n    print(area(2, 3))\n");
}

TEST(ApplyHunk, SplitsIntoGroupsWhenTheMiddleIsWrong) {
  const std::string out = apply(kPy, "# TODO", {hunk_edit("-import os\n+import sys\n \n def area(w, h):\n this line is not there\n     return w * h\n-\n+# end\n def main():\n")});
  EXPECT_EQ(out, "import sys\n\ndef area(w, h):\n    # TODO: validate\n    return w * h\n# end\ndef main():\n    print(area(2, 3))\n");
}

TEST(ApplyHunk, UnmarkedLinesAreContextThenAdditions) {
  // "    assert w >= 0" lost its '+'.
  EXPECT_EQ(apply(kPy, "# TODO", {hunk_edit(" def area(w, h):\n-    # TODO: validate\n    assert w >= 0\n     return w * h\n")}),
            "import os\n\ndef area(w, h):\n    assert w >= 0\n    return w * h\n\ndef main():\n    print(area(2, 3))\n");
  // Blank context lines that lost their space are still context.
  EXPECT_EQ(apply(kPy, "# TODO", {hunk_edit("     return w * h\n\n-def main():\n+def run():\n")}),
            "import os\n\ndef area(w, h):\n    # TODO: validate\n    return w * h\n\ndef run():\n    print(area(2, 3))\n");
}

TEST(ApplyHunk, OnlyAdditionsGoToTheSelectionWhenAlone) {
  EXPECT_EQ(apply(kPy, "    # TODO: validate\n", {hunk_edit("+    assert w >= 0\n")}),
            "import os\n\ndef area(w, h):\n    # TODO: validate\n    assert w >= 0\n    return w * h\n\ndef main():\n"
            "    print(area(2, 3))\n");
  const std::string out = apply(kPy, "# TODO", {hunk_edit("+a\n"), hunk_edit("+b\n", "hunk 2")});
  EXPECT_TRUE(failed(out));
  EXPECT_NE(out.find("only adds lines"), std::string::npos) << out;
}

TEST(ApplyEdits, AllOrNothing) {
  const std::string out = apply(kPy, "# TODO", {sr_edit("import os\n", "import sys\n"), sr_edit("nope\n", "x\n", "block 2")});
  ASSERT_TRUE(failed(out));
  EXPECT_NE(out.find("block 2"), std::string::npos);
}

// ---------------------------------------------------------------- the file's indentation style

TEST(IndentStyle, TheFileUnitIsDetected) {
  EXPECT_EQ(document_indent(split_lines("f() {\n\tx;\n\t\ty;\n\t * c\n}\n")).unit, "\t");
  EXPECT_EQ(document_indent(split_lines("a:\n  b:\n    c: 1\n  d: 2\n")).unit, "  ");
  EXPECT_EQ(document_indent(split_lines("def f():\n    if x:\n        y(a,\n          b)\n")).unit, "    ");
  EXPECT_EQ(document_indent(split_lines("x = 1\ny = 2\n")).unit, "");
  EXPECT_TRUE(document_indent(split_lines("f() {\n\t/*\n\t * c\n\t */\n}\n")).has(IndentShape::tabs_then_spaces));
}

TEST(IndentStyle, LinesWrittenInTheModelsUnitFollowTheFile) {
  // A 4-space model, a tab file: levels are kept, written as tabs.
  const std::string tabs = "int f() {\n\t// TODO: loop\n\treturn 0;\n}\n";
  EXPECT_EQ(apply(tabs, "// TODO", {sr_edit("    // TODO: loop\n    return 0;\n",
                                            "    for (;;) {\n        if (done()) {\n            break;\n        }\n"
                                            "    }\n    return 0;\n")}),
            "int f() {\n\tfor (;;) {\n\t\tif (done()) {\n\t\t\tbreak;\n\t\t}\n\t}\n\treturn 0;\n}\n");
  // A tab model, a 4-space file.
  EXPECT_EQ(apply(kPy, "# TODO", {sr_edit("\t# TODO: validate\n", "\tif w < 0:\n\t\traise ValueError\n")}),
            "import os\n\ndef area(w, h):\n    if w < 0:\n        raise ValueError\n    return w * h\n\n"
            "def main():\n    print(area(2, 3))\n");
  // Alignment spaces after tabs only where the file has such lines.
  const std::string aligned = "void f() {\n\t/*\n\t * doc\n\t */\n\tg(1);\n}\n";
  EXPECT_EQ(apply(aligned, "g(1)", {sr_edit("    g(1);\n", "    g(1,\n      2);\n")}),
            "void f() {\n\t/*\n\t * doc\n\t */\n\tg(1,\n\t  2);\n}\n");
  const std::string plain = "void f() {\n\tg(1);\n}\n";
  const std::string refused = apply(plain, "g(1)", {sr_edit("    g(1);\n", "    g(1,\n      2);\n")});
  ASSERT_TRUE(failed(refused));
  EXPECT_NE(refused.find("indents with tabs"), std::string::npos) << refused;
}

// ---------------------------------------------------------------- blocks with several =======

namespace {

Edit split_edit(std::vector<std::string> body, std::vector<std::size_t> dividers) {
  SearchReplace block;
  for (std::size_t d : dividers) {
    block.splits.emplace_back(std::vector<std::string>(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(d)),
                              std::vector<std::string>(body.begin() + static_cast<std::ptrdiff_t>(d) + 1, body.end()));
  }
  block.search = block.splits.front().first;
  block.replace = block.splits.front().second;
  return {std::move(block), "block 1", ""};
}

}  // namespace

TEST(ChooseSplit, TheLongestReadingOfOnePlaceWins) {
  const std::string rst = "Title\n=======\n\nInstall\n=======\n\nRun make.\n";
  EXPECT_EQ(apply(rst, "Run", {split_edit({"Install", "=======", "", "Run make.", "=======", "Install", "=======", "",
                                           "Run make install."},
                                          {1, 4, 6})}),
            "Title\n=======\n\nInstall\n=======\n\nRun make install.\n");
}

TEST(ChooseSplit, ReadingsAtDifferentPlacesOrNowhereFail) {
  const std::string text = "  Title\n=======\nBody\nTitle\nOther\n";
  const std::string two = apply(text, "Body", {split_edit({"Title", "=======", "Body", "=======", "New"}, {1, 3})});
  ASSERT_TRUE(failed(two));
  EXPECT_NE(two.find("different edits"), std::string::npos) << two;
  EXPECT_NE(two.find("matches line 4"), std::string::npos) << two;
  EXPECT_NE(two.find("matches line 1"), std::string::npos) << two;
  const std::string none = apply(text, "Body", {split_edit({"Nope", "=======", "Body", "=======", "New"}, {1, 3})});
  ASSERT_TRUE(failed(none));
  EXPECT_NE(none.find("for none of them"), std::string::npos) << none;
}
