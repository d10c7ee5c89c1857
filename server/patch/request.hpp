// SPDX-License-Identifier: GPL-3.0-or-later
// PatchRequest: the validated params of wisp.patch plus what is derived from them.
#pragma once

#include "patch/errors.hpp"
#include "patch/positions.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lamp::patch {

struct PatchRequest {
  // As sent by the client (docs/protocol.md, wisp.patch).
  std::string file_path;
  std::string language;
  std::string comment_style;
  std::int64_t start_pos = 1;
  std::int64_t end_pos = 1;
  std::string buffer_text;
  std::string project_root;  // empty when absent (with or without `context`), null or ""
  std::optional<std::string> instruction;
  std::optional<std::string> model;
  std::optional<double> temperature;
  std::optional<std::int64_t> max_tokens;

  // Derived by parse_request.
  std::string rel_path;  // the name used in the diff headers (a/REL, b/REL)
  ByteRange selection;   // bytes of buffer_text covered by [start_pos, end_pos)

  std::string_view selected_text() const {
    return std::string_view(buffer_text).substr(selection.begin, selection.end - selection.begin);
  }
  // The instruction when given (and not blank), else the selected comment without its
  // comment markers.
  std::string effective_instruction() const;
};

// Validates wisp.patch params. Throws InvalidRequest naming the offending field (missing, wrong type, out of range, invalid UTF-8, reversed selection).
PatchRequest parse_request(const nlohmann::json& params);

// file_path relative to project_root when it lies inside it, else its base name. Both are
// normalized lexically ("a/./b/../c"); a leading "~/" is expanded with `home` when only one
// of them uses it. The result never starts with "/" or contains a ".." component.
std::string relative_path(std::string_view file_path, std::string_view project_root,
                          std::string_view home = {});

// Removes the comment markers of `comment_style` (and the usual ones: # // ;; -- /* */ <!-- -->)
// from the start and end of each line, then trims: "# TODO: add x" -> "TODO: add x".
std::string strip_comment_markers(std::string_view text, std::string_view comment_style);

}  // namespace lamp::patch
