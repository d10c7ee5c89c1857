// SPDX-License-Identifier: GPL-3.0-or-later
// The repo map's cache: no ctags run when nothing changed, a refresh when a file changes, is
// added or removed, parallel requests, and a slow ctags remembered instead of retried.
#include "context/repo_map.hpp"
#include "temp_project.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <future>
#include <vector>

namespace lamp::context {
namespace {

using test::TempProject;

class RepoMapCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cache_.ctags().probe().usable) GTEST_SKIP() << cache_.status();
    project_.write("src/a.py", "def alpha_one():\n    pass\n");
    project_.write("src/b.py", "def bravo_one():\n    pass\n");
  }
  std::optional<std::string> map() { return cache_.map(project_.root(), "main.py", ""); }

  TempProject project_;
  RepoMapCache cache_;
};

TEST_F(RepoMapCacheTest, SecondRequestDoesNotRunCtagsAgain) {
  const auto first = map();
  ASSERT_TRUE(first);
  EXPECT_EQ(cache_.ctags_runs(), 1u);
  const auto second = map();
  EXPECT_EQ(cache_.ctags_runs(), 1u);
  EXPECT_EQ(second, first);
}

TEST_F(RepoMapCacheTest, ChangedFileIsReadAgain) {
  ASSERT_TRUE(map());
  // Same size, so only the newer mtime tells the change.
  project_.write("src/a.py", "def alpha_two():\n    pass\n");
  project_.touch_later("src/a.py", 10);
  const auto after = map();
  ASSERT_TRUE(after);
  EXPECT_EQ(cache_.ctags_runs(), 2u);
  EXPECT_NE(after->find("def alpha_two()"), std::string::npos) << *after;
  EXPECT_EQ(after->find("def alpha_one()"), std::string::npos) << *after;
  EXPECT_NE(after->find("def bravo_one()"), std::string::npos) << "unchanged files keep their tags:\n" << *after;
}

TEST_F(RepoMapCacheTest, AddedFileAppearsAndRemovedFileDisappears) {
  ASSERT_TRUE(map());
  project_.write("src/c.py", "def charlie_new():\n    pass\n");
  const auto added = map();
  ASSERT_TRUE(added);
  EXPECT_EQ(cache_.ctags_runs(), 2u);
  EXPECT_NE(added->find("src/c.py\n  def charlie_new()\n"), std::string::npos) << *added;

  std::filesystem::remove(project_.path("src/b.py"));
  const auto removed = map();
  ASSERT_TRUE(removed);
  EXPECT_EQ(cache_.ctags_runs(), 2u) << "a removal needs no ctags run";
  EXPECT_EQ(removed->find("bravo_one"), std::string::npos) << *removed;
  EXPECT_NE(removed->find("charlie_new"), std::string::npos) << *removed;
}

TEST_F(RepoMapCacheTest, ParallelRequestsRunCtagsOnce) {
  std::vector<std::future<std::optional<std::string>>> requests;
  for (int i = 0; i < 6; ++i) requests.push_back(std::async(std::launch::async, [this] { return map(); }));
  std::vector<std::optional<std::string>> maps;
  for (auto& r : requests) maps.push_back(r.get());
  for (const auto& m : maps) {
    ASSERT_TRUE(m);
    EXPECT_EQ(*m, *maps.front());
  }
  EXPECT_EQ(cache_.ctags_runs(), 1u);
}

TEST(RepoMapSlowCtags, TimeoutIsRememberedNotRetriedOnEveryRequest) {
  TempProject bin;
  bin.write("ctags",
            "#!/bin/sh\n"
            "if [ \"$1\" = --version ]; then\n"
            "  echo 'Universal Ctags 9.9.9, Copyright (C) 2015 Universal Ctags Team'\n"
            "  echo '  Optional compiled features: +wildcards, +json'\n"
            "  exit 0\n"
            "fi\n"
            "exec sleep 5\n");
  ::chmod(bin.path("ctags").c_str(), 0755);
  TempProject project;
  project.write("a.py", "def f():\n    pass\n");
  RepoMapOptions options;
  options.search_path = bin.root() + ":/usr/bin:/bin";
  options.time_limit = std::chrono::milliseconds(300);
  RepoMapCache cache(options);

  EXPECT_FALSE(cache.map(project.root(), "b.py", ""));
  EXPECT_EQ(cache.ctags_runs(), 1u);
  EXPECT_NE(cache.status().find("timed out after 300 ms"), std::string::npos) << cache.status();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(cache.map(project.root(), "b.py", ""));
  EXPECT_EQ(cache.ctags_runs(), 1u) << "no second run within retry_after";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
}

}  // namespace
}  // namespace lamp::context
