// SPDX-License-Identifier: GPL-3.0-or-later
// Every marked comment of a file, as `lamp patch FILE --all-marked` sends them (docs/protocol.md,
// CLI additions): whole-line comment blocks from a marked line down, and marked trailing comments.
#pragma once

#include "cli/comment_block.hpp"
#include "cli/source_language.hpp"

#include <string_view>
#include <vector>

namespace lamp::cli {

// In file order, not overlapping. A whole-line block is the marked line plus the unmarked
// whole-line comments right below it (a block that fills its last line takes the newline); a
// trailing comment (after code) is the comment alone. Strings are skipped as comment_block does.
std::vector<TextRange> marked_comments(std::string_view text, const SourceLanguage& language);

}  // namespace lamp::cli
