// SPDX-License-Identifier: GPL-3.0-or-later
// The repo map and excerpts wisp.patch adds to its prompt, from the context library.
#include "methods/project_context.hpp"

#include "context/excerpt.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>

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

// The identifiers of `text` (letters, digits, "_"; not starting with a digit).
std::set<std::string, std::less<>> identifiers(std::string_view text) {
  std::set<std::string, std::less<>> out;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t i = 0; i < text.size();) {
    if (!word(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && word(text[j])) ++j;
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) out.emplace(text.substr(i, j - i));
    i = j;
  }
  return out;
}

// A file of `files` has no selection: its excerpt keeps the top-level definitions whose names
// the request's file uses, as the lines they start on (excerpt() widens each to its definition).
std::vector<context::ByteRange> used_definitions(std::string_view text, const std::vector<context::Tag>& tags,
                                                 const std::set<std::string, std::less<>>& used) {
  std::vector<std::size_t> line_starts{0};
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts.push_back(i + 1);
  }
  std::vector<context::ByteRange> out;
  for (const context::Tag& tag : tags) {
    if (context::outline_depth(tag) != 0 || !used.contains(tag.name) || tag.line == 0 || tag.line > line_starts.size()) {
      continue;
    }
    const std::size_t begin = line_starts[tag.line - 1];
    const std::size_t end = tag.line < line_starts.size() ? line_starts[tag.line] : text.size();
    out.push_back({begin, end});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
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
  auto used = std::make_shared<const std::set<std::string, std::less<>>>(identifiers(request.buffer_text));
  out.excerpt = [this, used](std::string_view path, std::string_view text,
                             const std::vector<patch::ByteRange>& keep) -> std::optional<std::string> {
    if (text.size() <= options_.full_file_bytes) return std::nullopt;
    std::vector<context::ByteRange> selections;
    for (const auto& r : keep) selections.push_back({r.begin, r.end});
    const auto tags = maps_.ctags().tags_of_text(text, std::string(path));
    if (selections.empty() && tags) selections = used_definitions(text, *tags, *used);
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
