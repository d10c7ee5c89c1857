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

struct PatchReady {          // {ok:true, patch, rationale}
  std::string patch;         // unified diff, verified to turn buffer_text into edited_text
  std::string rationale;     // ends with a sentence on marked comments lamp removed, if any
  std::string edited_text;
  std::vector<CommentAnswer> comments;  // `selections` requests only: the result's `comments`
};

struct NoChange {            // {ok:false, patch:"", rationale}
  std::string rationale;
  std::vector<CommentAnswer> comments;  // `selections` requests only (every `hunks` empty)
};

// RepairFailure (edit_plan.hpp): nothing usable; retry with build_retry_messages, and after
// a second failure answer -32004.
using PatchOutcome = std::variant<PatchReady, NoChange, RepairFailure>;

// Parses and applies `model_reply` to request.buffer_text, removes the marked comments the
// edit left in place (consumed_markers.hpp), diffs and verifies. Throws
// EngineFailure only if a generated diff fails verification (a bug, never the model's fault).
PatchOutcome make_patch(const PatchRequest& request, std::string_view model_reply);

}  // namespace lamp::patch
