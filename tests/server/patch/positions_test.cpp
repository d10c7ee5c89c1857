// SPDX-License-Identifier: GPL-3.0-or-later
// Emacs positions -> byte offsets: multi-byte characters, emoji, CRLF, bounds and bad UTF-8.
#include "patch/positions.hpp"

#include "proto/jsonrpc.hpp"

#include <gtest/gtest.h>

using lamp::patch::ByteRange;
using lamp::patch::count_code_points;
using lamp::patch::to_byte_range;
using lamp::patch::to_position;
using lamp::patch::InvalidRequest;

namespace {

// Whether the range is refused (InvalidRequest, -32602 at the method), and what it says.
bool refused(std::string_view text, std::int64_t start, std::int64_t end, std::string* detail = nullptr) {
  try {
    to_byte_range(text, start, end);
  } catch (const InvalidRequest& e) {
    if (detail) *detail = e.what();
    return true;
  }
  return false;
}

}  // namespace

TEST(Positions, AsciiIsOneBytePerPosition) {
  EXPECT_EQ(to_byte_range("hello", 1, 6), (ByteRange{0, 5}));
  EXPECT_EQ(to_byte_range("hello", 2, 4), (ByteRange{1, 3}));
  EXPECT_EQ(to_byte_range("hello", 6, 6), (ByteRange{5, 5}));  // point-max
}

TEST(Positions, MultiByteCharactersCountOnce) {
  const std::string text = "h\xC3\xA9llo \xE4\xB8\xAD\xE6\x96\x87!";  // "héllo 中文!"
  EXPECT_EQ(count_code_points(text), 9u);
  EXPECT_EQ(to_byte_range(text, 2, 3), (ByteRange{1, 3}));    // "é"
  EXPECT_EQ(to_byte_range(text, 7, 9), (ByteRange{7, 13}));   // "中文"
  EXPECT_EQ(to_byte_range(text, 9, 10), (ByteRange{13, 14})); // "!"
}

TEST(Positions, EmojiAreOneCodePoint) {
  const std::string text = "a\xF0\x9F\x8E\x89" "b";  // "a🎉b": 4-byte sequence
  EXPECT_EQ(count_code_points(text), 3u);
  EXPECT_EQ(to_byte_range(text, 2, 3), (ByteRange{1, 5}));
  EXPECT_EQ(to_byte_range(text, 3, 4), (ByteRange{5, 6}));
  // A ZWJ family is several code points, hence several Emacs positions.
  const std::string family = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9";  // 👨‍👩
  EXPECT_EQ(count_code_points(family), 3u);
}

TEST(Positions, CarriageReturnIsItsOwnPosition) {
  // The raw buffer string: "a\r\nb" is 4 positions; "b" is at position 4.
  const std::string text = "a\r\nb";
  EXPECT_EQ(to_byte_range(text, 4, 5), (ByteRange{3, 4}));
  EXPECT_EQ(to_byte_range(text, 1, 4), (ByteRange{0, 3}));
}

TEST(Positions, EmptyBufferHasOnlyPositionOne) {
  EXPECT_EQ(to_byte_range("", 1, 1), (ByteRange{0, 0}));
  EXPECT_TRUE(refused("", 1, 2));
}

TEST(Positions, OutOfRangeAndReversedAreInvalidParams) {
  std::string detail;
  EXPECT_TRUE(refused("abc", 0, 2, &detail));
  EXPECT_NE(detail.find("before the buffer start"), std::string::npos);
  EXPECT_TRUE(refused("abc", 1, 5, &detail));
  EXPECT_NE(detail.find("outside the buffer"), std::string::npos);
  EXPECT_TRUE(refused("abc", 3, 2, &detail));
  EXPECT_NE(detail.find("reversed"), std::string::npos);
  EXPECT_TRUE(refused("abc", -5, -1));
  // Positions count characters, not bytes: "é" has 2 bytes but 2 positions end at 2.
  EXPECT_TRUE(refused("\xC3\xA9", 1, 3));
}

TEST(Positions, InvalidUtf8IsRejectedAnywhereInTheBuffer) {
  std::string detail;
  EXPECT_TRUE(refused("ab\xFF", 1, 2, &detail));  // after the selection too
  EXPECT_NE(detail.find("not valid UTF-8"), std::string::npos);
  EXPECT_TRUE(refused("\xC0\xAF", 1, 1));              // overlong "/"
  EXPECT_TRUE(refused("\xED\xA0\x80", 1, 1));          // surrogate
  EXPECT_TRUE(refused("\xF4\x90\x80\x80", 1, 1));      // > U+10FFFF
  EXPECT_TRUE(refused("\xE4\xB8", 1, 1));              // truncated
  EXPECT_TRUE(refused("\x80", 1, 1));                  // stray continuation
}

TEST(Positions, InverseMapping) {
  const std::string text = "\xC3\xA9\xF0\x9F\x8E\x89x";
  EXPECT_EQ(to_position(text, 0), 1);
  EXPECT_EQ(to_position(text, 2), 2);
  EXPECT_EQ(to_position(text, 6), 3);
  EXPECT_EQ(to_position(text, 7), 4);
}
