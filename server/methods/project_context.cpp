// SPDX-License-Identifier: GPL-3.0-or-later
// The repo map and excerpts wisp.patch adds to its prompt, from the context library.
#include "methods/project_context.hpp"

#include "context/excerpt.hpp"
#include "context/map_text.hpp"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <unordered_set>

namespace lamp::methods {
namespace {

context::RepoMapOptions map_options(const ProjectContextOptions& options) {
  context::RepoMapOptions out;
  out.max_bytes = options.repo_map_bytes;
  out.search_path = options.search_path;
  return out;
}

// The project root as a directory path ctags can run in: "~" expanded, normalized, absolute.
std::string root_directory(const std::string& root) {
  std::string path = root;
  if (path == "~" || path.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    if (home == nullptr) return "";
    path = std::string(home) + path.substr(1);
  }
  const std::filesystem::path normal = std::filesystem::path(path).lexically_normal();
  if (!normal.is_absolute()) return "";
  std::string out = normal.string();
  while (out.size() > 1 && out.ends_with('/')) out.pop_back();
  return out;
}

}  // namespace

ProjectContext::ProjectContext(ProjectContextOptions options)
    : options_(std::move(options)), maps_(map_options(options_)) {}

patch::PromptContext ProjectContext::prompt_for(const patch::PatchRequest& request) {
  patch::PromptContext out;
  if (request.repo_map && options_.repo_map_bytes > 0 && !request.project_root.empty()) {
    if (const std::string root = root_directory(request.project_root); !root.empty()) {
      out.repo_map = maps_.map(root, request.rel_path, request.buffer_text).value_or("");
    }
  }
  out.excerpt_note = std::string(context::kExcerptFormatNote);
  // Views into request.buffer_text, which outlives the prompt context (see the header).
  auto used = std::make_shared<const std::unordered_set<std::string_view>>(context::used_names(request.buffer_text));
  out.excerpt = [this, used](std::string_view path, std::string_view text,
                             const std::vector<patch::ByteRange>& keep) -> std::optional<std::string> {
    if (text.size() <= options_.full_file_bytes) return std::nullopt;
    std::vector<context::ByteRange> selections;
    for (const auto& r : keep) selections.push_back({r.begin, r.end});
    const auto tags = maps_.ctags().tags_of_text(text, std::string(path));
    if (selections.empty() && tags) selections = context::definition_lines(text, *tags, *used);
    return context::excerpt(text, selections, tags ? &*tags : nullptr);
  };
  return out;
}

nlohmann::json ProjectContext::describe() const {
  const bool available = maps_.ctags().probe().usable && options_.repo_map_bytes > 0;
  return {{"repo_map", {{"available", available}, {"status", options_.repo_map_bytes > 0 ? maps_.status() : "turned off (LAMP_REPO_MAP_BYTES=0)"}, {"max_bytes", options_.repo_map_bytes}}},
          {"full_file_bytes", options_.full_file_bytes}};
}

}  // namespace lamp::methods
