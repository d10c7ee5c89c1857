// SPDX-License-Identifier: GPL-3.0-or-later
// The comment block at a line, picked the way wisp picks the comment at point: adjacent
// whole-line comments form one block, and a block that fills its last line takes the newline.
#pragma once

#include "cli/source_language.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace lamp::cli {

struct TextRange {
  std::size_t begin = 0;  // byte offsets, end exclusive
  std::size_t end = 0;
  bool operator==(const TextRange&) const = default;
};

// The comment block that line `line` (1-based) is in or starts a comment on, or nothing when
// the line holds no comment (or is past the end). Strings are skipped: a `#` in "a # b" is not
// a comment.
std::optional<TextRange> comment_block_at_line(std::string_view text, const SourceLanguage& language,
                                               std::size_t line);

}  // namespace lamp::cli
