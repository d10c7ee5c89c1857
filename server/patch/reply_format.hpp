// SPDX-License-Identifier: GPL-3.0-or-later
// The edit format as prompts teach it and the reply parser reads it: the selection markers and
// the SEARCH/REPLACE block's shape, one constant for every prompt (wisp.patch's and ACP's).
#pragma once

#include <string_view>

namespace lamp::patch {

// Shown around the selection in the buffer; never part of the file (the parser drops them
// should a model copy them).
inline constexpr std::string_view kSelectionBegin = "[[WISP-SELECTION-BEGIN]]";
inline constexpr std::string_view kSelectionEnd = "[[WISP-SELECTION-END]]";

// One SEARCH/REPLACE block, as shown to a model (ends with a newline).
inline constexpr std::string_view kSearchReplaceBlock =
    "<<<<<<< SEARCH\n"
    "lines copied exactly from the file\n"
    "=======\n"
    "the lines that replace them\n"
    ">>>>>>> REPLACE\n";

}  // namespace lamp::patch
