// SPDX-License-Identifier: GPL-3.0-or-later
// The Emacs position <-> byte offset mapping, validating the UTF-8 it walks.
#include "patch/positions.hpp"

#include "patch/errors.hpp"
#include "proto/utf8.hpp"

#include <string>

namespace lamp::patch {
namespace {

[[noreturn]] void invalid(const std::string& detail) { throw InvalidRequest(detail); }

}  // namespace

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    const std::size_t n = proto::utf8_sequence_length(text, i);
    if (n == 0) invalid("buffer_text is not valid UTF-8 (byte offset " + std::to_string(i) + ")");
    i += n;
  }
  return count;
}

ByteRange to_byte_range(std::string_view text, std::int64_t start_pos, std::int64_t end_pos) {
  if (start_pos > end_pos) {
    invalid("selection is reversed: start_pos " + std::to_string(start_pos) + " > end_pos " +
            std::to_string(end_pos));
  }
  if (start_pos < 1) {
    invalid("selection.start_pos " + std::to_string(start_pos) + " is before the buffer start (1)");
  }
  ByteRange range;
  bool have_start = false;
  bool have_end = false;
  std::int64_t pos = 1;
  std::size_t i = 0;
  // One pass: validate every byte (the whole buffer must be valid, not just the prefix).
  for (;; ++pos) {
    if (pos == start_pos) range.begin = i, have_start = true;
    if (pos == end_pos) range.end = i, have_end = true;
    if (i >= text.size()) break;
    const std::size_t n = proto::utf8_sequence_length(text, i);
    if (n == 0) invalid("buffer_text is not valid UTF-8 (byte offset " + std::to_string(i) + ")");
    i += n;
  }
  if (!have_start || !have_end) {
    invalid("selection [" + std::to_string(start_pos) + ", " + std::to_string(end_pos) +
            ") is outside the buffer (positions 1.." + std::to_string(pos) + ")");
  }
  return range;
}

std::int64_t to_position(std::string_view text, std::size_t offset) {
  std::int64_t pos = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++pos) {
    const std::size_t n = proto::utf8_sequence_length(text, i);
    i += n == 0 ? 1 : n;
  }
  return pos;
}

}  // namespace lamp::patch
