// SPDX-License-Identifier: GPL-3.0-or-later
// RepoMapCache: per-root tags with each file's stamp; a request re-runs ctags only on files that
// were added or changed, drops removed ones, and remembers a failed run for retry_after.
#include "context/repo_map.hpp"

#include "context/map_text.hpp"
#include "context/project_files.hpp"

#include <filesystem>
#include <vector>

namespace lamp::context {

struct RepoMapCache::Project {
  struct Entry {
    FileStamp stamp;
    std::vector<Tag> tags;
  };
  std::mutex mutex;  // one request at a time per root; held while ctags runs
  std::map<std::string, Entry> files;
  std::chrono::steady_clock::time_point failed_until{};
  std::size_t last_use = 0;  // guarded by RepoMapCache::mutex_
};

RepoMapCache::RepoMapCache(RepoMapOptions options)
    : options_(std::move(options)), ctags_(CtagsSetup{options_.search_path, options_.time_limit}) {}

RepoMapCache::~RepoMapCache() = default;

std::shared_ptr<RepoMapCache::Project> RepoMapCache::project_for(const std::string& root) {
  const std::lock_guard lock(mutex_);
  auto& slot = projects_[root];
  if (!slot) {
    slot = std::make_shared<Project>();
    while (projects_.size() > std::max<std::size_t>(options_.max_projects, 1)) {
      auto oldest = projects_.end();
      for (auto it = projects_.begin(); it != projects_.end(); ++it)
        if (it->second != slot && (oldest == projects_.end() || it->second->last_use < oldest->second->last_use))
          oldest = it;
      projects_.erase(oldest);  // a request still using it keeps it alive through its shared_ptr
    }
  }
  slot->last_use = ++use_clock_;
  return slot;
}

std::optional<std::string> RepoMapCache::map(const std::string& root, const std::string& current_rel,
                                             std::string_view current_text) {
  try {
    if (!ctags_.probe().usable) return std::nullopt;
    namespace fs = std::filesystem;
    std::error_code ec;
    std::string normal = fs::path(root).lexically_normal().generic_string();
    while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    if (!fs::path(normal).is_absolute() || !fs::is_directory(normal, ec)) return std::nullopt;
    std::string rel = fs::path(current_rel).lexically_normal().generic_string();
    const auto project = project_for(normal);
    const std::lock_guard lock(project->mutex);
    return refresh_and_render(*project, normal, rel, current_text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::string> RepoMapCache::refresh_and_render(Project& project, const std::string& root,
                                                            const std::string& current_rel,
                                                            std::string_view current_text) {
  const auto now = std::chrono::steady_clock::now();
  if (now < project.failed_until) return std::nullopt;

  ProjectFileOptions list_options;
  list_options.max_files = options_.max_files;
  list_options.search_path = options_.search_path;
  list_options.time_limit = options_.time_limit;
  const auto listing = list_project_files(root, list_options);

  std::erase_if(project.files, [&](const auto& file) { return !listing.files.contains(file.first); });
  std::vector<std::string> changed;
  for (const auto& [path, stamp] : listing.files) {
    const auto it = project.files.find(path);
    if (it == project.files.end() || !(it->second.stamp == stamp)) changed.push_back(path);
  }
  if (!changed.empty()) {
    auto run = ctags_.run(root, changed);
    ++ctags_runs_;
    if (!run.ok) {
      project.failed_until = now + options_.retry_after;
      const std::lock_guard lock(mutex_);
      last_failure_ = root + ": " + run.error + ", next try in " +
                      std::to_string(options_.retry_after.count() / 1000) + " s";
      return std::nullopt;
    }
    for (const auto& path : changed) project.files[path] = Project::Entry{listing.files.at(path), {}};
    for (auto& tag : run.tags) {
      const auto it = project.files.find(tag.path);
      if (it != project.files.end()) it->second.tags.push_back(std::move(tag));
    }
    const std::lock_guard lock(mutex_);
    last_failure_.clear();
  }

  std::vector<FileOutline> outlines;
  outlines.reserve(project.files.size());
  for (const auto& [path, entry] : project.files) outlines.push_back(FileOutline{path, &entry.tags});
  return render_repo_map(outlines, current_rel, current_text, options_.max_bytes);
}

std::string RepoMapCache::status() const {
  std::string status = ctags_.probe().status;
  const std::lock_guard lock(mutex_);
  if (!last_failure_.empty()) status += "; " + last_failure_;
  return status;
}

}  // namespace lamp::context
