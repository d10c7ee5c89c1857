// SPDX-License-Identifier: GPL-3.0-or-later
// The repo map's content: ranking for the current file, signatures, the byte cap, which files a
// git work tree or a plain directory contributes, and a machine without ctags.
#include "context/repo_map.hpp"
#include "proc/child_process.hpp"
#include "temp_project.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

namespace lamp::context {
namespace {

using test::TempProject;

std::size_t position(const std::string& map, const std::string& line) {
  const auto at = map.find(line);
  EXPECT_NE(at, std::string::npos) << line << " is missing from the map:\n" << map;
  return at;
}

class RepoMapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cache_.ctags().probe().usable) GTEST_SKIP() << cache_.status();
  }
  TempProject project_;
  RepoMapCache cache_;
};

TEST_F(RepoMapTest, FileDefiningACalledFunctionComesBeforeAnUnrelatedFile) {
  project_.write("aa/unrelated.py", "def other_thing():\n    return 1\n");
  project_.write("zz/helpers.py", "def compute_total(items):\n    return sum(items)\n");
  const std::string current = "def main():\n    print(compute_total([1, 2]))\n";
  project_.write("app/main.py", current);

  const auto map = cache_.map(project_.root(), "app/main.py", current);
  ASSERT_TRUE(map);
  EXPECT_LT(position(*map, "zz/helpers.py\n  def compute_total(items)\n"),
            position(*map, "aa/unrelated.py\n  def other_thing()\n"));
  EXPECT_EQ(map->find("app/main.py"), std::string::npos) << "the current file is sent whole anyway";
}

TEST_F(RepoMapTest, NearbyFilesComeBeforeFarOnes) {
  for (const auto* rel : {"aaa/far.py", "src/z/cousin.py", "src/a/c/nephew.py", "src/a/b/sibling.py"})
    project_.write(rel, "def f_" + std::to_string(std::string(rel).size()) + "():\n    pass\n");
  const auto map = cache_.map(project_.root(), "src/a/b/main.py", "x = 1\n");
  ASSERT_TRUE(map);
  const auto sibling = position(*map, "src/a/b/sibling.py\n");
  const auto nephew = position(*map, "src/a/c/nephew.py\n");
  const auto cousin = position(*map, "src/z/cousin.py\n");
  const auto far = position(*map, "aaa/far.py\n");
  EXPECT_LT(sibling, nephew);
  EXPECT_LT(nephew, cousin);
  EXPECT_LT(cousin, far);
}

TEST_F(RepoMapTest, NamesFromAnotherLanguageDoNotRank) {
  project_.write("aa/tool.py", "def render_page(x):\n    return x\n");
  project_.write("src/other/x.cpp", "int unrelated_cpp(int a) { return a; }\n");
  const std::string current = "int main() { return render_page(1); }\n";
  const auto map = cache_.map(project_.root(), "src/main.cpp", current);
  ASSERT_TRUE(map);
  EXPECT_LT(position(*map, "src/other/x.cpp\n"), position(*map, "aa/tool.py\n"))
      << "a C++ file does not call a Python function; nearness decides";
}

TEST_F(RepoMapTest, LeavesOutPrivateMembersAndShowsOperatorsAsWritten) {
  project_.write("lib/w.hpp",
                 "class Widget {\n public:\n  void draw() const;\n  bool operator==(const Widget&) const;\n"
                 " private:\n  void private_helper();\n};\n");
  const auto map = cache_.map(project_.root(), "main.cpp", "");
  ASSERT_TRUE(map);
  EXPECT_EQ(*map, "lib/w.hpp\n  class Widget\n    void draw() const\n    bool operator==(const Widget&) const\n");
}

TEST_F(RepoMapTest, ShowsSignaturesNotBodies) {
  project_.write("src/util.py",
                 "import os\n\nclass Config(object):\n    def load(self, path):\n        return open(path)\n\n"
                 "def parse_args(\n    argv,\n    strict=False):\n    return argv\n");
  project_.write("lib/x.c", "#include <stdio.h>\nint main(int argc, char **argv)\n{\n  return 0;\n}\n");
  project_.write("lib/x.hpp", "namespace lamp {\nstruct Spec {\n  int field;\n};\nint run(const Spec& spec);\n}\n");
  const auto map = cache_.map(project_.root(), "other.py", "");
  ASSERT_TRUE(map);
  EXPECT_NE(map->find("src/util.py\n  class Config(object)\n    def load(self, path)\n  def parse_args(argv, strict=False)\n"),
            std::string::npos) << *map;
  EXPECT_NE(map->find("lib/x.c\n  int main(int argc, char **argv)\n"), std::string::npos) << *map;
  EXPECT_NE(map->find("  struct Spec\n  int run(const Spec& spec)\n"), std::string::npos) << *map;
  EXPECT_EQ(map->find("return"), std::string::npos) << "no bodies:\n" << *map;
  EXPECT_EQ(map->find("field"), std::string::npos) << "no fields:\n" << *map;
}

TEST_F(RepoMapTest, StaysUnderTheByteCapAndCutsAtWholeLines) {
  for (int i = 0; i < 40; ++i)
    project_.write("pkg/m" + std::to_string(i) + ".py",
                   "def function_number_" + std::to_string(i) + "(alpha, beta):\n    pass\n\nclass Thing" +
                       std::to_string(i) + ":\n    pass\n");
  const auto whole = cache_.map(project_.root(), "main.py", "");
  ASSERT_TRUE(whole);
  ASSERT_GT(whole->size(), 1000u);

  RepoMapOptions options;
  options.max_bytes = 300;
  RepoMapCache capped_cache(options);
  const auto capped = capped_cache.map(project_.root(), "main.py", "");
  ASSERT_TRUE(capped);
  EXPECT_LE(capped->size(), 300u);
  EXPECT_GT(capped->size(), 200u) << "as many whole lines as fit";
  EXPECT_TRUE(whole->starts_with(*capped)) << "the cap drops lines from the end only";
  EXPECT_EQ(capped->back(), '\n');
  std::istringstream lines(*capped);
  std::string line, last;
  while (std::getline(lines, line)) last = line;
  EXPECT_TRUE(last.starts_with("  ")) << "never ends with a path whose definitions were cut: " << last;
}

TEST_F(RepoMapTest, GitWorkTreeListsTrackedAndUnignoredFilesOnly) {
  if (proc::find_program("git").empty()) GTEST_SKIP() << "git not on PATH";
  project_.write(".gitignore", "ignored.py\n");
  project_.write("ignored.py", "def secret_ignored():\n    pass\n");
  project_.write("build/generated.py", "def tracked_in_build():\n    pass\n");
  project_.write("new_file.py", "def untracked_new():\n    pass\n");
  const std::string cmd = "cd '" + project_.root() + "' && git init -q && git add .gitignore build/generated.py";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const auto map = cache_.map(project_.root(), "main.py", "");
  ASSERT_TRUE(map);
  EXPECT_EQ(map->find("secret_ignored"), std::string::npos) << *map;
  EXPECT_NE(map->find("build/generated.py\n  def tracked_in_build()"), std::string::npos)
      << "a tracked file in build/ is listed (git decides, not the walk's rules):\n" << *map;
  EXPECT_NE(map->find("def untracked_new()"), std::string::npos) << *map;
}

TEST_F(RepoMapTest, WalkSkipsDotDirsBuildOutputAndBigFiles) {
  project_.write("src/keep.py", "def kept_function():\n    pass\n");
  project_.write(".hidden/h.py", "def in_dot_dir():\n    pass\n");
  project_.write("build/b.py", "def in_build():\n    pass\n");
  project_.write("build-debug/b.py", "def in_build_debug():\n    pass\n");
  project_.write("node_modules/m.js", "function in_node_modules() {}\n");
  project_.write("src/__pycache__/c.py", "def in_pycache():\n    pass\n");
  project_.write("big.py", "def in_big_file():\n    pass\n" + std::string(1100000, '#') + "\n");
  const auto map = cache_.map(project_.root(), "main.py", "");
  ASSERT_TRUE(map);
  EXPECT_EQ(*map, "src/keep.py\n  def kept_function()\n");
}

TEST(RepoMapWithoutCtags, MapIsAbsentAndStatusSaysWhy) {
  TempProject project;
  project.write("a.py", "def f():\n    pass\n");
  TempProject empty_bin;
  RepoMapOptions options;
  options.search_path = empty_bin.root();
  RepoMapCache cache(options);
  EXPECT_FALSE(cache.map(project.root(), "b.py", ""));
  EXPECT_EQ(cache.status(), "ctags not found on PATH");
  EXPECT_EQ(cache.ctags_runs(), 0u);
}

TEST(RepoMapWithoutCtags, StatusNamesTheInstalledVersion) {
  RepoMapCache cache;
  if (!cache.ctags().probe().usable) GTEST_SKIP() << cache.status();
  EXPECT_TRUE(cache.status().starts_with("universal-ctags ")) << cache.status();
}

TEST(RepoMapWithoutCtags, RelativeOrMissingRootGivesNoMap) {
  RepoMapCache cache;
  EXPECT_FALSE(cache.map("relative/dir", "a.py", ""));
  EXPECT_FALSE(cache.map("/nonexistent/lamp-context-root", "a.py", ""));
}

}  // namespace
}  // namespace lamp::context
