// SPDX-License-Identifier: GPL-3.0-or-later
// Bare code blocks: selection replacement, anchored regions, whole files, and the guards.
#include "patch/region_replacement.hpp"

#include "support/apply_helpers.hpp"

#include <gtest/gtest.h>

using namespace lamp::patch;
using namespace lamp::patch::testing;

namespace {

const std::string kPy =
    "import os\n"
    "\n"
    "class Box:\n"
    "    def __init__(self, w, h):\n"
    "        self.w = w\n"
    "        self.h = h\n"
    "\n"
    "    # TODO: add an area method\n"
    "\n"
    "def main():\n"
    "    print(Box(2, 3))\n";

}  // namespace

TEST(RegionReplacement, ReplacesTheSelectionAndReindents) {
  // The model wrote the method at column 0; the comment sits at column 4.
  const std::string out = apply(kPy, "    # TODO: add an area method\n", {region_edit("def area(self):\n    return self.w * self.h\n")});
  EXPECT_EQ(out, "import os\n\nclass Box:\n    def __init__(self, w, h):\n        self.w = w\n        self.h = h\n\n"
                 "    def area(self):\n        return self.w * self.h\n\ndef main():\n    print(Box(2, 3))\n");
}

TEST(RegionReplacement, BlockStartingWithTheCommentKeepsIt) {
  const std::string out = apply(kPy, "# TODO: add an area method", {region_edit("    # TODO: add an area method\n    def area(self):\n        return self.w * self.h\n")});
  EXPECT_NE(out.find("    # TODO: add an area method\n    def area(self):\n        return self.w * self.h\n\ndef main"), std::string::npos) << out;
}

TEST(RegionReplacement, AnchoredRegionAroundTheSelection) {
  // From the class line to "self.h = h" plus the new method: both ends are in the file.
  const std::string out = apply(kPy, "# TODO", {region_edit(
      "class Box:\n    def __init__(self, w, h):\n        self.w = w\n        self.h = h\n\n    def area(self):\n        return self.w * self.h\n\ndef main():\n")});
  EXPECT_EQ(out, "import os\n\nclass Box:\n    def __init__(self, w, h):\n        self.w = w\n        self.h = h\n\n"
                 "    def area(self):\n        return self.w * self.h\n\ndef main():\n    print(Box(2, 3))\n");
}

TEST(RegionReplacement, WholeFile) {
  std::string whole = kPy;
  whole.replace(whole.find("    # TODO: add an area method\n"), 31, "    def area(self):\n        return self.w * self.h\n");
  EXPECT_EQ(apply(kPy, "# TODO", {region_edit(whole)}), whole);
  EXPECT_EQ(apply(kPy, "# TODO", {region_edit(whole, /*fenced=*/false)}), whole);
}

TEST(RegionReplacement, WholeFileWithPlaceholdersKeepsTheElidedCode) {
  const std::string lazy =
      "import os\n\nclass Box:\n    # ... existing code ...\n\n    def area(self):\n        return self.w * self.h\n\n"
      "# ... rest of the file unchanged ...\n";
  const std::string out = apply(kPy, "# TODO", {region_edit(lazy)});
  EXPECT_EQ(out, "import os\n\nclass Box:\n    def __init__(self, w, h):\n        self.w = w\n        self.h = h\n\n"
                 "    def area(self):\n        return self.w * self.h\n\ndef main():\n    print(Box(2, 3))\n");
}

TEST(RegionReplacement, PlaceholdersAroundNewCodeMeanTheSelection) {
  // "# ... existing code ...", new code, "# ... existing code ...": the code goes where the
  // comment is, nothing else changes.
  const std::string out = apply(kPy, "    # TODO: add an area method\n",
                                {region_edit("# ... existing code ...\n    def area(self):\n        return 0\n# ... existing code ...\n")});
  EXPECT_EQ(out, "import os\n\nclass Box:\n    def __init__(self, w, h):\n        self.w = w\n        self.h = h\n\n"
                 "    def area(self):\n        return 0\n\ndef main():\n    print(Box(2, 3))\n");
}

TEST(RegionReplacement, OnlyPlaceholdersFail) {
  const std::string out = apply(kPy, "# TODO", {region_edit("# ... existing code ...\n")});
  ASSERT_TRUE(failed(out));
  EXPECT_NE(out.find("only placeholder"), std::string::npos) << out;
}

TEST(RegionReplacement, DuplicatingCodeOutsideTheRegionFails) {
  // The block repeats __init__ (outside the selection) but starts with a changed line, so
  // it cannot be anchored: applying it would duplicate code.
  const std::string out = apply(kPy, "# TODO", {region_edit(
      "class Box(object):\n    def __init__(self, w, h):\n        self.w = w\n        self.h = h\n\n    def area(self):\n        return 1\n")});
  ASSERT_TRUE(failed(out));
  EXPECT_NE(out.find("duplicate"), std::string::npos) << out;
}

TEST(RegionReplacement, UnfencedProseIsNotAnEdit) {
  const std::string out = apply(kPy, "# TODO", {region_edit("I think you should add a method.\n", /*fenced=*/false)});
  ASSERT_TRUE(failed(out));
  EXPECT_NE(out.find("contains no edit"), std::string::npos);
}

TEST(RegionReplacement, EmptyFile) {
  EXPECT_EQ(apply("", "", {region_edit("print('hi')\n")}), "print('hi')\n");
}

TEST(RegionReplacement, TrailingAnchorOnly) {
  // The block ends with the line after the selection, unchanged.
  const std::string out = apply(kPy, "    # TODO: add an area method\n", {region_edit("    def area(self):\n        return 0\n\ndef main():\n")});
  EXPECT_NE(out.find("    def area(self):\n        return 0\n\ndef main():\n    print"), std::string::npos) << out;
  EXPECT_EQ(out.find("def main():"), out.rfind("def main():"));  // not duplicated
}
