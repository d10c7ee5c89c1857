// SPDX-License-Identifier: GPL-3.0-or-later
// The wisp.patch engine's entry points: validated request -> messages -> model reply ->
// verified unified diff (or a precise failure to send back to the model once).
#pragma once

#include "patch/comment_map.hpp"
#include "patch/errors.hpp"
#include "patch/edit_plan.hpp"
#include "patch/prompt.hpp"
#include "patch/request.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lamp::patch {

// Another file of `files` that the reply changed.
struct FileEdit {
  std::string path;      // as in `files` (relative to the project root)
  std::string original;  // the text sent
  std::string edited;
};

struct PatchReady {          // {ok:true, patch, rationale, files_changed}
  // One verified unified diff section per changed file: the request's file first, then the
  // others in `files` order (docs/protocol.md, Project context).
  std::string patch;
  std::string rationale;     // ends with a sentence on marked comments lamp removed, if any
  std::string edited_text;   // the request's file after the edit (buffer_text when unchanged)
  std::vector<CommentAnswer> comments;  // `selections` requests only: the result's `comments`
  std::vector<FileEdit> other_files;    // changed files of `files`, in `files` order
  std::vector<std::string> files_changed;  // every changed file's path, in `patch` order
};

struct NoChange {            // {ok:false, patch:"", rationale}
  std::string rationale;
  std::vector<CommentAnswer> comments;  // `selections` requests only (every `hunks` empty)
};

// RepairFailure (edit_plan.hpp): nothing usable; retry with build_retry_messages, and after
// a second failure answer -32004.
using PatchOutcome = std::variant<PatchReady, NoChange, RepairFailure>;

// Parses `model_reply`, applies each edit to its file's text (request.buffer_text or one of
// request.files), removes the marked comments the edit left in place (consumed_markers.hpp),
// diffs and verifies every changed file. Throws
// EngineFailure only if a generated diff fails verification (a bug, never the model's fault).
PatchOutcome make_patch(const PatchRequest& request, std::string_view model_reply);

// What a reply to `request` is read against: its file and the paths of its `files`.
ReplyContext reply_context(const PatchRequest& request);

}  // namespace lamp::patch
