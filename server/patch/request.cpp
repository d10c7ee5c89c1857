// SPDX-License-Identifier: GPL-3.0-or-later
// wisp.patch params validation, the REL path and the instruction derived from the comment.
#include "patch/request.hpp"

#include "patch/text_lines.hpp"
#include "patch/errors.hpp"

#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <array>
#include <limits>

namespace lamp::patch {
namespace {

using json = nlohmann::json;

[[noreturn]] void invalid(const std::string& detail) { throw InvalidRequest(detail); }

const json* find(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const json& require(const json& object, const char* key, const std::string& where) {
  const json* value = find(object, key);
  if (value == nullptr) invalid("missing field \"" + where + key + "\"");
  return *value;
}

std::string require_string(const json& object, const char* key, const std::string& where = "") {
  const json& value = require(object, key, where);
  if (!value.is_string()) invalid("field \"" + where + key + "\" must be a string");
  return value.get<std::string>();
}

std::int64_t require_integer(const json& object, const char* key, const std::string& where) {
  const json& value = require(object, key, where);
  if (!value.is_number_integer()) invalid("field \"" + where + key + "\" must be an integer");
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    invalid("field \"" + where + key + "\" is out of range");
  }
  return value.get<std::int64_t>();
}

// Optional fields: absent and null both mean "not given".
const json* optional_field(const json& object, const char* key) {
  const json* value = find(object, key);
  return value == nullptr || value->is_null() ? nullptr : value;
}

std::optional<std::string> optional_string(const json& object, const char* key) {
  const json* value = optional_field(object, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) invalid(std::string("field \"") + key + "\" must be a string");
  return value->get<std::string>();
}

bool has_control_character(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

std::filesystem::path expand_home(std::string_view path, std::string_view home) {
  if (!home.empty() && (path == "~" || path.starts_with("~/"))) {
    return std::filesystem::path(home) / std::filesystem::path(path.substr(path.size() > 1 ? 2 : 1));
  }
  return std::filesystem::path(path);
}

std::string base_name(const std::filesystem::path& path) {
  auto name = path.filename().string();
  return name.empty() || name == "." || name == ".." ? "file" : name;
}

}  // namespace

std::string relative_path(std::string_view file_path, std::string_view project_root,
                          std::string_view home) {
  namespace fs = std::filesystem;
  const bool file_tilde = file_path.starts_with("~");
  const bool root_tilde = project_root.starts_with("~");
  // Compare like with like: expand "~" only when one side uses it.
  const std::string_view expand_with = file_tilde == root_tilde ? std::string_view{} : home;
  fs::path file = expand_home(file_path, expand_with).lexically_normal();
  const fs::path fallback = file;
  if (project_root.empty()) return base_name(fallback);
  fs::path root = expand_home(project_root, expand_with).lexically_normal();
  if (file.is_relative() && root.is_absolute()) file = (root / file).lexically_normal();
  if (file.is_absolute() != root.is_absolute()) return base_name(fallback);

  const fs::path rel = file.lexically_relative(root);
  if (rel.empty() || rel == ".") return base_name(fallback);
  for (const auto& part : rel) {
    if (part == "..") return base_name(fallback);
  }
  std::string out = rel.generic_string();
  while (out.ends_with("/")) out.pop_back();
  return out.empty() ? base_name(fallback) : out;
}

std::string strip_comment_markers(std::string_view text, std::string_view comment_style) {
  const std::string_view style = trim(comment_style);
  static constexpr std::array<std::string_view, 11> kOpeners = {
      "<!--", "/**", "/*", "///", "//", "#", ";", "--", "%", "\"", "*"};
  static constexpr std::array<std::string_view, 2> kClosers = {"-->", "*/"};
  std::string out;
  for (std::string_view line : split_content(text)) {
    line = trim(line);
    bool stripped = true;
    while (stripped && !line.empty()) {
      stripped = false;
      if (!style.empty() && line.starts_with(style)) {
        line = trim(line.substr(style.size()));
        stripped = true;
        continue;
      }
      for (std::string_view opener : kOpeners) {
        if (line.starts_with(opener)) {
          // Strip repeated markers: ";;;", "###", "////".
          while (line.starts_with(opener)) line.remove_prefix(opener.size());
          line = trim(line);
          stripped = true;
          break;
        }
      }
    }
    for (std::string_view closer : kClosers) {
      if (line.ends_with(closer)) line = trim(line.substr(0, line.size() - closer.size()));
    }
    if (!out.empty()) out += '\n';
    out += line;
  }
  return std::string(trim(out));
}

std::string PatchRequest::effective_instruction() const {
  if (instruction && !trim(*instruction).empty()) return std::string(trim(*instruction));
  std::string comment = strip_comment_markers(selected_text(), comment_style);
  return comment.empty() ? std::string(trim(selected_text())) : comment;
}

PatchRequest parse_request(const json& params) {
  if (!params.is_object()) invalid("params must be an object");
  PatchRequest req;
  req.file_path = require_string(params, "file_path");
  if (trim(req.file_path).empty()) invalid("field \"file_path\" must not be empty");
  // Diff headers cannot carry these unquoted.
  if (has_control_character(req.file_path)) {
    invalid("field \"file_path\" must not contain control characters (line breaks, tabs)");
  }
  req.language = require_string(params, "language");
  req.comment_style = require_string(params, "comment_style");
  req.buffer_text = require_string(params, "buffer_text");

  const json& selection = require(params, "selection", "");
  if (!selection.is_object()) invalid("field \"selection\" must be an object");
  req.start_pos = require_integer(selection, "start_pos", "selection.");
  req.end_pos = require_integer(selection, "end_pos", "selection.");

  // Without a project root (no context, or no root in it) the diff names the file by its
  // base name.
  if (const json* context = optional_field(params, "context")) {
    if (!context->is_object()) invalid("field \"context\" must be an object or null");
    if (const json* root = optional_field(*context, "project_root")) {
      if (!root->is_string()) invalid("field \"context.project_root\" must be a string or null");
      req.project_root = root->get<std::string>();
    }
  }

  req.instruction = optional_string(params, "instruction");
  req.model = optional_string(params, "model");
  if (req.model && trim(*req.model).empty()) invalid("field \"model\" must not be empty");
  if (const json* t = optional_field(params, "temperature")) {
    if (!t->is_number()) invalid("field \"temperature\" must be a number");
    req.temperature = t->get<double>();
    if (!(*req.temperature >= 0.0 && *req.temperature <= 2.0)) {
      invalid("field \"temperature\" must be between 0 and 2");
    }
  }
  if (const json* m = optional_field(params, "max_tokens")) {
    if (!m->is_number_integer()) invalid("field \"max_tokens\" must be an integer");
    if (m->is_number_unsigned() ? m->get<std::uint64_t>() == 0 : m->get<std::int64_t>() < 1) {
      invalid("field \"max_tokens\" must be at least 1");
    }
    req.max_tokens = m->is_number_unsigned() && m->get<std::uint64_t>() > static_cast<std::uint64_t>(
                                                    std::numeric_limits<std::int64_t>::max())
                         ? std::numeric_limits<std::int64_t>::max()
                         : m->get<std::int64_t>();
  }

  // Validates the UTF-8 of the whole buffer as well as the range.
  req.selection = to_byte_range(req.buffer_text, req.start_pos, req.end_pos);
  if (req.effective_instruction().empty()) {
    invalid("the selection is empty (or blank) and no \"instruction\" was given");
  }
  const char* home = std::getenv("HOME");
  req.rel_path = relative_path(req.file_path, req.project_root, home ? home : "");
  return req;
}

}  // namespace lamp::patch
