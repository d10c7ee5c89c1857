// SPDX-License-Identifier: GPL-3.0-or-later
// UTF-8 validation and the Emacs position <-> byte offset mapping.
#include "patch/positions.hpp"

#include "proto/jsonrpc.hpp"

#include <string>

namespace lamp::patch {
namespace {

[[noreturn]] void invalid(std::string detail) {
  throw proto::error_with_detail(proto::code::invalid_params, "Invalid params", std::move(detail));
}

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const std::size_t left = text.size() - at;
  const unsigned char c = byte(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && continuation(byte(1)) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !continuation(byte(1)) || !continuation(byte(2))) return 0;
    if (c == 0xE0 && byte(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && byte(1) >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !continuation(byte(1)) || !continuation(byte(2)) || !continuation(byte(3))) {
      return 0;
    }
    if (c == 0xF0 && byte(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && byte(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;  // stray continuation byte, C0/C1 or F5..FF
}

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    const std::size_t n = utf8_sequence_length(text, i);
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
    const std::size_t n = utf8_sequence_length(text, i);
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
    const std::size_t n = utf8_sequence_length(text, i);
    i += n == 0 ? 1 : n;
  }
  return pos;
}

}  // namespace lamp::patch
