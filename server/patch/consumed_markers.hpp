// SPDX-License-Identifier: GPL-3.0-or-later
// The marked comments an edit left in place, removed by lamp itself (docs/protocol.md, Marked
// comments): a comment that asked for a change must not survive it with its marker.
#pragma once

#include "patch/request.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::patch {

struct ConsumedMarkers {
  std::string text;                // `edited` without the marked comments left in place
  std::vector<std::size_t> lines;  // their 1-based lines in the original, ascending
};

// For every selection holding a marked comment line: a whole-line comment still in `edited`
// (the same trimmed line, the occurrence nearest its original line) loses that line and the
// adjacent unmarked lines of its block that are also unchanged; a trailing comment still
// ending a line loses the comment and the blanks before it. A comment rewritten without its
// marker no longer matches and stays.
ConsumedMarkers remove_consumed_markers(std::string_view original, std::string_view edited,
                                        const std::vector<CommentSelection>& selections,
                                        std::string_view comment_style);

// "lamp removed 1 marked comment the edit left in place (line 12)."; "" for no lines.
std::string consumed_markers_sentence(const std::vector<std::size_t>& lines);

}  // namespace lamp::patch
