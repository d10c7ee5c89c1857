// SPDX-License-Identifier: GPL-3.0-or-later
// UTF-8 checks and cuts shared by the server, the patch engine and the Emacs module: where a
// sequence ends, whether text is well formed, and prefixes that never split a character.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lamp::proto {

// Length in bytes of the well-formed UTF-8 sequence starting at text[at], or 0 when the bytes
// there are not one (overlong forms, surrogates and code points above U+10FFFF are rejected).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at = 0);

// Whether all of `text` is well-formed UTF-8.
bool valid_utf8(std::string_view text);

// The longest prefix of `text` of at most `limit` bytes that does not split a UTF-8 sequence
// (for excerpts and cut-off texts).
std::string utf8_prefix(const std::string& text, std::size_t limit);

}  // namespace lamp::proto
