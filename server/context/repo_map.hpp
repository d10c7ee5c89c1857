// SPDX-License-Identifier: GPL-3.0-or-later
// RepoMapCache: a compact map of a project (files and the signatures of their top-level
// definitions, from universal-ctags) for the wisp.patch prompt, cached per project root.
#pragma once

#include "context/ctags.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace lamp::context {

struct RepoMapOptions {
  std::size_t max_bytes = 4096;                  // cap of one map (the lead reads LAMP_REPO_MAP_BYTES)
  std::chrono::milliseconds time_limit{10000};   // per ctags or git run
  std::string search_path;                       // PATH for ctags and git; empty: lamp's $PATH
  std::size_t max_files = 5000;                  // per project; the shallowest paths are kept
  std::chrono::milliseconds retry_after{60000};  // a project whose ctags run failed waits this long
  std::size_t max_projects = 8;                  // roots cached at once; the least recently used goes
};

// Thread-safe: requests for different roots run in parallel, requests for one root one at a time.
// Each request lists the project's files (git ls-files or a walk) and stats them; ctags runs only
// on files added or changed (mtime or size) since the previous request for that root.
class RepoMapCache {
 public:
  explicit RepoMapCache(RepoMapOptions options = {});
  ~RepoMapCache();
  RepoMapCache(const RepoMapCache&) = delete;
  RepoMapCache& operator=(const RepoMapCache&) = delete;

  // The map of project `root` (an absolute directory) for a request on `current_rel` (relative to
  // root; left out of the map) whose text is `current_text` (its names rank the files defining
  // them first); at most options.max_bytes bytes of whole lines, e.g.
  //   src/util.py
  //     def parse_args(argv)
  //     class Config
  //       def load(self, path)
  // nullopt when ctags is unusable, failed or timed out (then for retry_after), or `root` is not
  // a directory; status() says why. Never throws.
  std::optional<std::string> map(const std::string& root, const std::string& current_rel,
                                 std::string_view current_text);

  // For server.describe: "universal-ctags 5.9.0", "ctags not found on PATH", ..., followed by
  // "; <root>: ctags timed out after 10000 ms, next try in 60 s" while a failure is remembered.
  std::string status() const;

  // ctags runs over project files so far (not the --version probe, not tags_of_text): for tests.
  std::size_t ctags_runs() const { return ctags_runs_.load(); }

  // The ctags this cache uses, for excerpts' tags (CtagsTool::tags_of_text).
  const CtagsTool& ctags() const { return ctags_; }

 private:
  struct Project;
  std::shared_ptr<Project> project_for(const std::string& root);
  std::optional<std::string> refresh_and_render(Project& project, const std::string& root,
                                                const std::string& current_rel, std::string_view current_text);

  RepoMapOptions options_;
  CtagsTool ctags_;
  std::atomic<std::size_t> ctags_runs_{0};
  mutable std::mutex mutex_;  // guards projects_, use_clock_ and last_failure_
  std::map<std::string, std::shared_ptr<Project>> projects_;
  std::size_t use_clock_ = 0;
  std::string last_failure_;
};

}  // namespace lamp::context
