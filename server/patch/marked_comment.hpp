// SPDX-License-Identifier: GPL-3.0-or-later
// A comment's text: without its comment starters, and the wisp marker (`wisp:` / `AI!`) that
// makes a comment line *marked* (docs/protocol.md, Marked comments). The one home of that rule.
#pragma once

#include <string>
#include <string_view>

namespace lamp::patch {

// Removes the comment markers of `comment_style` (and the usual ones: # // ;; -- /* */ <!-- -->)
// from the start and end of each line, then trims: "# TODO: add x" -> "TODO: add x".
std::string strip_comment_markers(std::string_view text, std::string_view comment_style);

// True when `comment_text` (one line, comment starter already removed) begins with "wisp:" or
// ends with "AI!" (any case; "AI?" is not a marker).
bool has_wisp_marker(std::string_view comment_text);

// True when `line` starts with a comment starter (of `comment_style` or a usual one).
bool is_comment_line(std::string_view line, std::string_view comment_style);

// True when `line` is a comment line (it starts with a comment starter) whose text is marked:
// "# wisp: add x", "  // make it async AI!".
bool is_marked_comment_line(std::string_view line, std::string_view comment_style);

// The text without the marker, line by line: "wisp: add x" -> "add x", "add x AI!" -> "add x".
std::string strip_wisp_marker(std::string_view text);

}  // namespace lamp::patch
