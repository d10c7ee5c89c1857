// SPDX-License-Identifier: GPL-3.0-or-later
// Lines with their own terminators (so CRLF and a missing final newline survive edits), and
// the whitespace helpers every matching level shares.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lamp::patch {

struct Line {
  std::string text;  // without terminator
  std::string eol;   // "\n", "\r\n", or "" for a last line without newline
  bool operator==(const Line&) const = default;
};
using Lines = std::vector<Line>;

// "" -> {}, "a\n" -> {a,"\n"}, "a\r\nb" -> {a,"\r\n"},{b,""}. A lone "\r" stays in the text.
Lines split_lines(std::string_view text);
std::string join_lines(const Lines& lines);

// "\r\n" when most terminated lines end that way, else "\n".
std::string dominant_eol(const Lines& lines);

// Content lines of model output or prompts: splits on "\n" and drops the "\r" before it; a
// final newline does not produce an empty last element. Views point into `text`.
std::vector<std::string_view> split_content(std::string_view text);
std::vector<std::string> split_content_copy(std::string_view text);

// Joins content lines with "\n" (no trailing newline).
std::string join_content(const std::vector<std::string>& lines);

// "\r\n" -> "\n" everywhere.
std::string normalize_newlines(std::string_view text);

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
std::string_view trim(std::string_view s);
std::string_view trim_left(std::string_view s);
std::string_view trim_right(std::string_view s);
std::string_view leading_whitespace(std::string_view s);
bool is_blank(std::string_view s);

// Trims and collapses every run of inner whitespace to one space: the key for the
// whitespace-insensitive matching level.
std::string squash_whitespace(std::string_view s);

// Lines that differ only a little ("return x" vs "return x + 1"): common prefix and suffix
// (whitespace squashed) cover at least 60% of the longer one.
bool similar_lines(std::string_view a, std::string_view b);

// Indentation width in columns (tab stops every 8, as GNU tools count).
std::size_t indent_columns(std::string_view indent);

// ASCII lower-casing (enough for marker and phrase detection).
std::string ascii_lower(std::string_view s);

// A C0 control character or DEL: what a diff header cannot carry unquoted.
bool has_control_character(std::string_view s);

}  // namespace lamp::patch
