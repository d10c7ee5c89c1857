// SPDX-License-Identifier: GPL-3.0-or-later
// wisp.patch params validation, the REL path and the instruction derived from the comment.
#include "patch/request.hpp"

#include "patch/marked_comment.hpp"
#include "patch/text_lines.hpp"
#include "patch/errors.hpp"

#include <cstdlib>
#include <filesystem>
#include <algorithm>
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

// The given instruction when not blank, else the comment without its starters and marker
// (docs/protocol.md: "The instruction drops the marker").
std::string instruction_from(std::string_view selected, const std::optional<std::string>& given,
                             std::string_view comment_style) {
  if (given && !trim(*given).empty()) return std::string(trim(*given));
  std::string comment = strip_wisp_marker(strip_comment_markers(selected, comment_style));
  return comment.empty() ? std::string(trim(selected)) : comment;
}

// `selections` (docs/protocol.md): 1..kMaxSelections non-empty ranges, ascending, not
// overlapping; every error names the field ("selections[2].end_pos").
std::vector<CommentSelection> parse_selections(const json& list, const std::string& buffer,
                                               std::string_view comment_style) {
  if (!list.is_array()) invalid("field \"selections\" must be an array");
  if (list.empty()) invalid("field \"selections\" must not be empty");
  if (list.size() > kMaxSelections) {
    invalid("field \"selections\" has " + std::to_string(list.size()) + " entries (at most " +
            std::to_string(kMaxSelections) + ")");
  }
  // Validates the UTF-8 of the whole buffer once.
  const auto positions = static_cast<std::int64_t>(count_code_points(buffer)) + 1;
  std::vector<CommentSelection> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "selections[" + std::to_string(i) + "]";
    const json& item = list[i];
    if (!item.is_object()) invalid("field \"" + where + "\" must be an object");
    CommentSelection sel;
    sel.start_pos = require_integer(item, "start_pos", where + ".");
    sel.end_pos = require_integer(item, "end_pos", where + ".");
    if (sel.start_pos < 1 || sel.start_pos > positions) {
      invalid("field \"" + where + ".start_pos\" " + std::to_string(sel.start_pos) +
              " is outside the buffer (positions 1.." + std::to_string(positions) + ")");
    }
    if (sel.end_pos <= sel.start_pos) {
      invalid("field \"" + where + ".end_pos\" " + std::to_string(sel.end_pos) + " must be greater than start_pos " +
              std::to_string(sel.start_pos) + " (an empty or reversed range)");
    }
    if (sel.end_pos > positions) {
      invalid("field \"" + where + ".end_pos\" " + std::to_string(sel.end_pos) +
              " is outside the buffer (positions 1.." + std::to_string(positions) + ")");
    }
    if (!out.empty() && sel.start_pos < out.back().end_pos) {
      invalid("field \"" + where + ".start_pos\" " + std::to_string(sel.start_pos) + " is before the end of selections[" +
              std::to_string(i - 1) + "] (" + std::to_string(out.back().end_pos) +
              "): ranges must be in ascending order and not overlap");
    }
    if (const json* given = optional_field(item, "instruction")) {
      if (!given->is_string()) invalid("field \"" + where + ".instruction\" must be a string");
      sel.instruction = given->get<std::string>();
    }
    sel.range = to_byte_range(buffer, sel.start_pos, sel.end_pos);
    const std::string_view text = std::string_view(buffer).substr(sel.range.begin, sel.range.end - sel.range.begin);
    sel.effective_instruction = instruction_from(text, sel.instruction, comment_style);
    if (trim(sel.effective_instruction).empty()) {
      invalid("field \"" + where + "\" selects only blank text and has no \"instruction\"");
    }
    out.push_back(std::move(sel));
  }
  return out;
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

std::string PatchRequest::effective_instruction() const {
  if (instruction && !trim(*instruction).empty()) return std::string(trim(*instruction));
  if (several) return "";
  return instruction_from(selected_text(), instruction, comment_style);
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

  // Exactly one of `selection` / `selections` (null counts as absent).
  const json* selection = optional_field(params, "selection");
  const json* selections = optional_field(params, "selections");
  if (selection != nullptr && selections != nullptr) {
    invalid("give either \"selection\" or \"selections\", not both");
  }
  if (selection == nullptr && selections == nullptr) invalid("missing field \"selection\" (or \"selections\")");
  if (selection != nullptr) {
    if (!selection->is_object()) invalid("field \"selection\" must be an object");
    req.start_pos = require_integer(*selection, "start_pos", "selection.");
    req.end_pos = require_integer(*selection, "end_pos", "selection.");
  }

  // Without a project root (no context, or no root in it) the diff names the file by its
  // base name.
  if (const json* context = optional_field(params, "context")) {
    if (!context->is_object()) invalid("field \"context\" must be an object or null");
    if (const json* root = optional_field(*context, "project_root")) {
      if (!root->is_string()) invalid("field \"context.project_root\" must be a string or null");
      req.project_root = root->get<std::string>();
    }
    if (const json* map = optional_field(*context, "repo_map")) {
      if (!map->is_boolean()) invalid("field \"context.repo_map\" must be a boolean or null");
      req.repo_map = map->get<bool>();
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

  if (const json* refine = optional_field(params, "refine")) {
    if (!refine->is_object()) invalid("field \"refine\" must be an object or null");
    Refinement r{require_string(*refine, "patch", "refine."), require_string(*refine, "note", "refine."), ""};
    if (trim(r.patch).empty()) invalid("field \"refine.patch\" must not be empty");
    if (trim(r.note).empty()) invalid("field \"refine.note\" must not be empty");
    if (const json* rationale = optional_field(*refine, "rationale")) {
      if (!rationale->is_string()) invalid("field \"refine.rationale\" must be a string");
      r.rationale = rationale->get<std::string>();
    }
    req.refine = std::move(r);
  }

  if (selections != nullptr) {
    req.several = true;
    req.selections = parse_selections(*selections, req.buffer_text, req.comment_style);
    req.start_pos = req.selections.front().start_pos;
    req.end_pos = req.selections.back().end_pos;
    req.selection = {req.selections.front().range.begin, req.selections.back().range.end};
  } else {
    // Validates the UTF-8 of the whole buffer as well as the range.
    req.selection = to_byte_range(req.buffer_text, req.start_pos, req.end_pos);
    if (req.effective_instruction().empty()) {
      invalid("the selection is empty (or blank) and no \"instruction\" was given");
    }
    req.selections.push_back({req.start_pos, req.end_pos, req.selection, req.instruction, req.effective_instruction()});
  }
  const char* home = std::getenv("HOME");
  req.rel_path = relative_path(req.file_path, req.project_root, home ? home : "");
  if (const json* files = optional_field(params, "files")) {
    req.files = parse_context_files(*files, req.project_root, req.rel_path);
  }
  return req;
}

}  // namespace lamp::patch
