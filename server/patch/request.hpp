// SPDX-License-Identifier: GPL-3.0-or-later
// PatchRequest: the validated params of wisp.patch plus what is derived from them.
#pragma once

#include "patch/context_files.hpp"
#include "patch/errors.hpp"
#include "patch/marked_comment.hpp"
#include "patch/positions.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::patch {

// One comment to implement: the `selection`, or one entry of `selections`.
struct CommentSelection {
  std::int64_t start_pos = 1;
  std::int64_t end_pos = 1;
  ByteRange range;                         // bytes of buffer_text covered by [start_pos, end_pos)
  std::optional<std::string> instruction;  // its own `instruction` (selections only)
  std::string effective_instruction;       // that instruction, else the comment without markers
};

// `refine`: the proposal the user reviewed and their note on it (docs/protocol.md, Refining a
// proposal).
struct Refinement {
  std::string patch;      // the earlier proposal, a unified diff of buffer_text
  std::string note;       // what the user wants changed
  std::string rationale;  // the model's explanation of that proposal ("" when not sent)
};

// At most this many entries in `selections` (docs/protocol.md).
inline constexpr std::size_t kMaxSelections = 50;

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
  std::optional<Refinement> refine;
  // `files`: the other files the model sees and may edit (docs/protocol.md, Project context).
  std::vector<ContextFile> files;
  bool repo_map = true;  // `context.repo_map`: false leaves the project map out of the prompt

  // Derived by parse_request.
  std::string rel_path;  // the name used in the diff headers (a/REL, b/REL)
  // [start_pos, end_pos) as bytes; with `selections`, from the first range's begin to the last
  // range's end (where an empty SEARCH inserts and a bare code block goes).
  ByteRange selection;
  // The comments in request order: the one `selection`, or every entry of `selections`.
  std::vector<CommentSelection> selections;
  bool several = false;  // the request used `selections` (the result then has `comments`)

  std::string_view selected_text() const {
    return std::string_view(buffer_text).substr(selection.begin, selection.end - selection.begin);
  }
  // The instruction when given (and not blank), else the selected comment without its
  // comment markers and wisp marker. With `selections`: the top-level instruction or "".
  std::string effective_instruction() const;
};

// Validates wisp.patch params. Throws InvalidRequest naming the offending field (missing, wrong
// type, out of range, invalid UTF-8, reversed selection; for `selections` also an empty or too
// long array and empty, overlapping or unordered ranges, e.g. "selections[2].end_pos").
PatchRequest parse_request(const nlohmann::json& params);

// file_path relative to project_root when it lies inside it, else its base name. Both are
// normalized lexically ("a/./b/../c"); a leading "~/" is expanded with `home` when only one
// of them uses it. The result never starts with "/" or contains a ".." component.
std::string relative_path(std::string_view file_path, std::string_view project_root,
                          std::string_view home = {});

}  // namespace lamp::patch
