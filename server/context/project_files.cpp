// SPDX-License-Identifier: GPL-3.0-or-later
// list_project_files: git ls-files -z through run_child, or a std::filesystem walk, then stat and
// the caps (size per file, number of files).
#include "context/project_files.hpp"

#include "context/tool_env.hpp"
#include "proc/child_process.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <vector>

namespace lamp::context {
namespace {

namespace fs = std::filesystem;

// A walk stops after this many entries, so a huge tree (a home directory) stays bounded.
constexpr std::size_t kMaxWalkEntries = 200000;

// Directory names the walk skips besides dot-directories: build output and dependency caches.
bool is_build_dir_name(const std::string& name) {
  return name == "build" || name.starts_with("build-") || name == "node_modules" || name == "target" ||
         name == "dist" || name == "__pycache__";
}

std::optional<std::vector<std::string>> git_files(const std::string& root, const ProjectFileOptions& options) {
  if (proc::find_program("git", options.search_path).empty()) return std::nullopt;
  proc::ChildSpec spec;
  spec.argv = {"git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"};
  spec.env = tool_environment(options.search_path);
  spec.working_dir = root;
  spec.time_limit = options.time_limit;
  spec.search_path = options.search_path;
  spec.max_output_bytes = std::size_t{64} << 20;
  const auto result = proc::run_child(spec);
  if (!result.succeeded()) return std::nullopt;  // not a work tree (or git refused it): walk
  std::vector<std::string> paths;
  std::size_t start = 0;
  while (start < result.out.size()) {
    auto end = result.out.find('\0', start);
    if (end == std::string::npos) end = result.out.size();
    if (end > start) paths.emplace_back(result.out, start, end - start);
    start = end + 1;
  }
  return paths;
}

std::vector<std::string> walked_files(const std::string& root) {
  std::vector<std::string> paths;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  std::size_t seen = 0;
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (++seen > kMaxWalkEntries) break;
    const auto& entry = *it;
    const std::string name = entry.path().filename().string();
    std::error_code type_ec;
    if (entry.is_symlink(type_ec)) continue;
    if (entry.is_directory(type_ec)) {
      if (name.starts_with(".") || is_build_dir_name(name)) it.disable_recursion_pending();
      continue;
    }
    paths.push_back(entry.path().lexically_relative(root).generic_string());
  }
  return paths;
}

std::size_t depth(const std::string& path) { return std::count(path.begin(), path.end(), '/'); }

}  // namespace

ProjectFiles list_project_files(const std::string& root, const ProjectFileOptions& options) {
  ProjectFiles project;
  try {
    auto listed = git_files(root, options);
    project.from_git = listed.has_value();
    std::vector<std::string> paths = listed ? std::move(*listed) : walked_files(root);
    std::sort(paths.begin(), paths.end(), [](const std::string& a, const std::string& b) {
      const auto da = depth(a), db = depth(b);
      return da != db ? da < db : a < b;
    });
    for (const auto& rel : paths) {
      if (project.files.size() >= options.max_files) break;
      struct stat st {};
      // lstat: a symlink may point out of the project; git lists them as links too.
      if (::lstat((root + "/" + rel).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (st.st_size > options.max_file_bytes) continue;
      project.files[rel] = FileStamp{std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec,
                                     std::int64_t{st.st_size}};
    }
  } catch (const std::exception&) {
    project.files.clear();
  }
  return project;
}

}  // namespace lamp::context
