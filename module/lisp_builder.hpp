// SPDX-License-Identifier: GPL-3.0-or-later
// LispBuilder: turns a JsonTape into the Lisp value `json-parse-string' would return
// (:object-type alist, :array-type list), a time slice at a time so Emacs stays responsive.
#pragma once

#include "emacs.hpp"
#include "json_tape.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lamp::module {

using Clock = std::chrono::steady_clock;

// Object keys interned during one module call (the values are local to that call).
class KeyCache {
 public:
  emacs_value symbol(emacs::Env& env, std::string_view key);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, emacs_value, Hash, std::equal_to<>> symbols_;
};

// The Lisp value of a scalar token (`text` is the token's string for strings).
emacs_value scalar_value(emacs::Env& env, const Token& t, std::string_view text);

class LispBuilder {
 public:
  bool busy() const { return tape_.has_value(); }
  // Chunks this builder has pushed onto the caller's stash and not yet taken back.
  std::size_t stashed() const { return stashed_; }

  // Starts converting the value at token `first` of `tape`.
  void start(JsonTape&& tape, std::size_t first = 0);
  // Converts until the value is complete (returned) or `deadline` passes (nothing returned:
  // the finished parts were pushed onto `stash`, a Lisp list the caller must hand back
  // unchanged on the next call). Progress is guaranteed even with a past deadline.
  std::optional<emacs_value> resume(emacs::Env& env, KeyCache& keys, emacs_value& stash,
                                    Clock::time_point deadline);
  // Abandons an unfinished value; the caller drops its stash.
  void reset();

 private:
  struct Frame {
    bool object = false;
    bool duplicate_keys = false;       // object: keep one pair per key, as Emacs does
    std::uint32_t remaining = 0;       // elements (pairs) still to build
    std::uint32_t stashed_chunks = 0;  // earlier slices' elements, as lists on the stash
    std::size_t key = 0;               // object: token index of the pending pair's key
    std::vector<emacs_value> items;    // this slice's elements (pairs as conses)
  };

  emacs_value finish(emacs::Env& env, Frame& frame, emacs_value& stash);
  emacs_value join(emacs::Env& env, Frame& frame, emacs_value& stash);
  void pause(emacs::Env& env, emacs_value& stash);

  std::optional<JsonTape> tape_;
  std::size_t pos_ = 0;
  std::vector<Frame> stack_;
  std::size_t stashed_ = 0;
};

}  // namespace lamp::module
