// SPDX-License-Identifier: GPL-3.0-or-later
// Emacs positions (1-based code-point offsets, end exclusive) to byte offsets in UTF-8 text.
#pragma once

#include "patch/errors.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lamp::patch {

// A half-open byte range [begin, end) into a UTF-8 string.
struct ByteRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool operator==(const ByteRange&) const = default;
};

// Number of code points in `text`. Throws InvalidRequest naming the byte offset of the first
// ill-formed sequence.
std::size_t count_code_points(std::string_view text);

// Maps the Emacs region [start_pos, end_pos) to bytes. Every code point is one position,
// including the "\r" of a "\r\n" pair: the client sends the raw buffer string, so positions
// count what that string holds (see docs/patch-format.md). Throws InvalidRequest for invalid
// UTF-8, positions outside [1, characters + 1], or start > end.
ByteRange to_byte_range(std::string_view text, std::int64_t start_pos, std::int64_t end_pos);

// The 1-based position of the code point starting at byte `offset` (the inverse of the
// mapping above); `offset` must be a code point boundary.
std::int64_t to_position(std::string_view text, std::size_t offset);

}  // namespace lamp::patch
