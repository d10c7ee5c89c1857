// SPDX-License-Identifier: GPL-3.0-or-later
// The comment block at a line, picked the way wisp picks the comment at point: adjacent
// whole-line comments form one block, and a block that fills its last line takes the newline.
#pragma once

#include "cli/source_language.hpp"

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace lamp::cli {

struct TextRange {
  std::size_t begin = 0;  // byte offsets, end exclusive
  std::size_t end = 0;
  bool operator==(const TextRange&) const = default;
};

// Every comment of a text (a small lexer: comments and strings only, so a `#` in "a # b" is
// not one) and the line questions wisp's block rules ask about them.
class CommentScan {
 public:
  CommentScan(std::string_view text, const SourceLanguage& language);

  // In order. A line comment ends after its newline, a block comment after its closer (where
  // Emacs' forward-comment stops).
  const std::vector<TextRange>& comments() const { return comments_; }

  std::size_t line_start(std::size_t pos) const;
  std::size_t line_end(std::size_t pos) const;
  bool at_line_start(std::size_t pos) const { return pos == 0 || text_[pos - 1] == '\n'; }
  std::size_t next_line(std::size_t pos) const;

  // wisp--whole-line-comment: the comment starting at the indentation of the line at `pos`.
  const TextRange* whole_line_comment(std::size_t pos) const;
  // The comment around the start of the line, else the first one starting on it.
  const TextRange* on_line(std::size_t line_begin) const;
  // Where the line after a comment block ending at `end` starts.
  std::size_t after(std::size_t end) const { return at_line_start(end) ? end : next_line(end); }
  // A block that fills its last line takes the newline too.
  std::size_t take_newline(std::size_t end) const;

 private:
  std::string_view text_;
  std::vector<TextRange> comments_;
};

// The comment block that line `line` (1-based) is in or starts a comment on, or nothing when
// the line holds no comment (or is past the end). Strings are skipped: a `#` in "a # b" is not
// a comment.
std::optional<TextRange> comment_block_at_line(std::string_view text, const SourceLanguage& language,
                                               std::size_t line);

}  // namespace lamp::cli
