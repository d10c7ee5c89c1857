// SPDX-License-Identifier: GPL-3.0-or-later
// Validation of wisp.patch `files`: relative paths that stay inside the project root.
#include "patch/context_files.hpp"

#include "patch/errors.hpp"
#include "patch/text_lines.hpp"
#include "proto/utf8.hpp"

#include <filesystem>
#include <set>

namespace lamp::patch {
namespace {

[[noreturn]] void invalid(const std::string& detail) { throw InvalidRequest(detail); }

// The path in its normal form ("a/./b" -> "a/b"), or "" when it is absolute, empty, names the
// root itself or leaves it.
std::string normal_relative(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty() || path.front() == '/' || path.front() == '~') return "";
  const fs::path normal = fs::path(path).lexically_normal();
  if (normal.empty() || normal == "." || normal.is_absolute()) return "";
  for (const auto& part : normal) {
    if (part == "..") return "";
  }
  std::string out = normal.generic_string();
  if (out.ends_with('/')) return "";  // a directory
  return out;
}

}  // namespace

std::vector<ContextFile> parse_context_files(const nlohmann::json& files, const std::string& project_root,
                                             const std::string& request_rel) {
  if (!files.is_array()) invalid("field \"files\" must be an array or null");
  if (files.size() > kMaxContextFiles) {
    invalid("field \"files\" has " + std::to_string(files.size()) + " entries (at most " +
            std::to_string(kMaxContextFiles) + ")");
  }
  if (!files.empty() && project_root.empty()) {
    invalid("field \"context.project_root\" is required when \"files\" is given");
  }
  std::vector<ContextFile> out;
  std::set<std::string> seen{request_rel};
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string where = "files[" + std::to_string(i) + "]";
    const auto& entry = files[i];
    if (!entry.is_object()) invalid("field \"" + where + "\" must be an object");
    auto path = entry.find("path");
    if (path == entry.end()) invalid("missing field \"" + where + ".path\"");
    if (!path->is_string()) invalid("field \"" + where + ".path\" must be a string");
    auto text = entry.find("text");
    if (text == entry.end()) invalid("missing field \"" + where + ".text\"");
    if (!text->is_string()) invalid("field \"" + where + ".text\" must be a string");
    const auto& raw = path->get_ref<const std::string&>();
    if (has_control_character(raw)) {
      invalid("field \"" + where + ".path\" must not contain control characters (line breaks, tabs)");
    }
    const std::string rel = normal_relative(raw);
    if (rel.empty()) {
      invalid("field \"" + where + ".path\" must be a file path relative to context.project_root, inside it (got \"" +
              raw + "\")");
    }
    if (rel == request_rel) invalid("field \"" + where + ".path\" is the request's own file (\"" + rel + "\")");
    if (!seen.insert(rel).second) invalid("field \"" + where + ".path\" names \"" + rel + "\" a second time");
    if (!proto::valid_utf8(text->get_ref<const std::string&>())) {
      invalid("field \"" + where + ".text\" is not valid UTF-8");
    }
    out.push_back({rel, text->get<std::string>()});
  }
  return out;
}

}  // namespace lamp::patch
