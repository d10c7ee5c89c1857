// SPDX-License-Identifier: GPL-3.0-or-later
// The edit format as prompts teach it and the reply parser reads it: the selection markers and
// the SEARCH/REPLACE block's shape, one constant for every prompt (wisp.patch's and ACP's).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lamp::patch {

// Shown around the selection in the buffer; never part of the file (the parser drops them
// should a model copy them).
inline constexpr std::string_view kSelectionBegin = "[[WISP-SELECTION-BEGIN]]";
inline constexpr std::string_view kSelectionEnd = "[[WISP-SELECTION-END]]";

// With several comments (`selections`), comment N's markers are "[[WISP-SELECTION-BEGIN N]]"
// and "[[WISP-SELECTION-END N]]": the prefix, a space, N, the close.
inline constexpr std::string_view kNumberedSelectionBeginPrefix = "[[WISP-SELECTION-BEGIN ";
inline constexpr std::string_view kNumberedSelectionEndPrefix = "[[WISP-SELECTION-END ";
inline constexpr std::string_view kNumberedSelectionClose = "]]";

inline std::string numbered_selection_begin(std::size_t n) {
  return std::string(kNumberedSelectionBeginPrefix) + std::to_string(n) + std::string(kNumberedSelectionClose);
}
inline std::string numbered_selection_end(std::size_t n) {
  return std::string(kNumberedSelectionEndPrefix) + std::to_string(n) + std::string(kNumberedSelectionClose);
}

// The per-comment lines a reply to several comments opens with, as the prompt asks for them.
inline constexpr std::string_view kCommentLineChanged = "N: what you changed";
inline constexpr std::string_view kCommentLineNoChange = "N: NO CHANGE: why";

// One SEARCH/REPLACE block, as shown to a model (ends with a newline).
inline constexpr std::string_view kSearchReplaceBlock =
    "<<<<<<< SEARCH\n"
    "lines copied exactly from the file\n"
    "=======\n"
    "the lines that replace them\n"
    ">>>>>>> REPLACE\n";

}  // namespace lamp::patch
