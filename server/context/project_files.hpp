// SPDX-License-Identifier: GPL-3.0-or-later
// The files of a project the repo map looks at, with their mtime and size: `git ls-files` in a
// git work tree, else a directory walk that skips dot-directories and build output.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace lamp::context {

struct FileStamp {
  std::int64_t mtime_ns = 0;
  std::int64_t size = 0;
  bool operator==(const FileStamp&) const = default;
};

struct ProjectFileOptions {
  std::size_t max_files = 5000;              // the shallowest paths are kept (then by name)
  std::int64_t max_file_bytes = 1 << 20;     // larger files are left out
  std::string search_path;                   // PATH for git; empty: lamp's $PATH
  std::chrono::milliseconds time_limit{10000};
};

struct ProjectFiles {
  bool from_git = false;                     // listed by git ls-files (else walked)
  std::map<std::string, FileStamp> files;    // path relative to the root -> stamp
};

// Regular files only (no symlinks); tracked and untracked-but-not-ignored files in a git work
// tree. Never throws; an unreadable root gives no files.
ProjectFiles list_project_files(const std::string& root, const ProjectFileOptions& options);

}  // namespace lamp::context
