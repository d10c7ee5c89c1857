// SPDX-License-Identifier: GPL-3.0-or-later
// JsonTape: a message parsed off Emacs' main thread into a flat token list, so that turning
// it into Lisp values later is a linear walk with no parsing (and can pause anywhere).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::module {

struct Token {
  enum class Kind : std::uint8_t { null, true_, false_, integer, real, string, key, array, object };
  Kind kind = Kind::null;
  bool duplicate_keys = false;  // object: some key occurs twice (rare; fixed up in Lisp)
  // string/key: byte length in JsonTape::strings; array: elements; object: key/value pairs.
  std::uint32_t size = 0;
  union {
    std::int64_t integer;
    double real;
    std::uint64_t offset;  // string/key: start in JsonTape::strings
    std::uint64_t span;    // array/object: tokens in the subtree, itself included
  };
  Token() : integer(0) {}
};

// Values in document order: a container token is followed by its elements (an object by
// key, value, key, value, ...), with no end marker: the counts delimit them.
struct JsonTape {
  std::vector<Token> tokens;
  std::string strings;  // every string and key, unescaped UTF-8, back to back

  std::string_view text(const Token& t) const { return {strings.data() + t.offset, t.size}; }
  // Index of the token after the value that starts at `i`.
  std::size_t skip(std::size_t i) const {
    const Token& t = tokens[i];
    return i + ((t.kind == Token::Kind::array || t.kind == Token::Kind::object) ? t.span : 1);
  }
};

// Where a JSON-RPC message's parts sit in its tape, found off the main thread so that Emacs
// gets (result ID . VALUE) rather than the whole envelope to pick apart.
struct Envelope {
  enum class Kind {
    result,        // has id and result (no error, no string method)
    error,         // has id and error
    notification,  // has a string method and no id
    other,         // anything else (server requests, odd shapes): handed over whole
  };
  Kind kind = Kind::other;
  std::size_t id = 0;      // result/error: token index of the id
  std::size_t method = 0;  // notification: token index of the method string
  std::size_t value = 0;   // result/error: the value; notification: params (0 when absent)
};

// Classifies a parsed message the way lamp.el does with what `json-parse-string' returns
// (where a repeated key keeps its last value).
Envelope classify(const JsonTape& tape);

inline constexpr int kMaxDepth = 512;  // as the server's proto::kMaxNestingDepth

// Parses one JSON text. The rules follow Emacs' `json-parse-string' (RFC 8259, UTF-8 only,
// integers must fit in 64 bits) plus a nesting limit. Returns false and sets `error`
// on malformed input.
bool parse_to_tape(std::string_view text, JsonTape& tape, std::string& error);

}  // namespace lamp::module
