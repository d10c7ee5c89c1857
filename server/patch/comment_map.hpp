// SPDX-License-Identifier: GPL-3.0-or-later
// Which hunks of the final diff answer which comment of `selections`, and the model's line for
// each comment (docs/protocol.md, wisp.patch with several comments).
#pragma once

#include "patch/request.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::patch {

// One entry of the result's `comments`.
struct CommentAnswer {
  std::size_t index = 0;            // 0-based index in `selections`
  std::vector<std::size_t> hunks;   // 0-based indices of the hunks of `patch` that answer it
  std::optional<std::string> note;  // the model's "N: ..." line for it
};

// A hunk answers a comment when it removes a line of the comment's lines, or inserts lines
// inside them or right after the last one; it may answer several comments or none. `diff` is
// the verified diff of request.buffer_text ("" when there is none); notes come from the
// rationale's per-comment lines ("1: ...", "2. ...", "Comment 3: ...", "**1:** ...").
std::vector<CommentAnswer> map_comments(const PatchRequest& request, std::string_view diff,
                                        std::string_view rationale);

// The comments the model took on, whose marked comments the engine may remove: with one
// `selection`, that one; with `selections`, every comment unless the model wrote per-comment
// lines, and then those whose line is not "N: NO CHANGE ..." (a comment the model passed over
// keeps its marker for the next request).
std::vector<CommentSelection> answered_selections(const PatchRequest& request, std::string_view rationale);

}  // namespace lamp::patch
