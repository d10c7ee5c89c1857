// SPDX-License-Identifier: GPL-3.0-or-later
// LispBuilder implementation: an explicit stack over the tape (no recursion), lists built with
// one `list' call per container, and unfinished containers parked on a Lisp-side stash.
#include "lisp_builder.hpp"

#include <algorithm>

namespace lamp::module {
namespace {

// How many values are built between two looks at the clock.
constexpr unsigned kClockStride = 64;

bool plain_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c != '\0' && static_cast<unsigned char>(c) < 0x80;
  });
}

// Keeps one pair per key in ALIST: the first pair's place with the last pair's value, which
// is what `json-parse-string' returns for an object with repeated keys.
emacs_value merge_duplicate_keys(emacs::Env& env, emacs_value alist) {
  const auto& s = emacs::sym();
  std::vector<emacs_value> pairs, keys;
  for (emacs_value rest = alist; env.is_not_nil(rest); rest = env.call(s.cdr, rest)) {
    pairs.push_back(env.call(s.car, rest));
    keys.push_back(env.call(s.car, pairs.back()));
  }
  std::vector<emacs_value> kept;
  std::vector<std::size_t> kept_index;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    bool merged = false;
    for (std::size_t k = 0; k < kept.size() && !merged; ++k) {
      if (env.eq(keys[kept_index[k]], keys[i])) {
        env.call(s.setcdr, kept[k], env.call(s.cdr, pairs[i]));
        merged = true;
      }
    }
    if (!merged) {
      kept.push_back(pairs[i]);
      kept_index.push_back(i);
    }
  }
  return env.call(s.list, std::span<emacs_value>(kept));
}

}  // namespace

emacs_value KeyCache::symbol(emacs::Env& env, std::string_view key) {
  if (auto it = symbols_.find(key); it != symbols_.end()) return it->second;
  std::string name(key);
  // `intern' from C takes a NUL-terminated name in Emacs' internal encoding, which is
  // UTF-8 only for ASCII; anything else goes through Lisp `intern' with a decoded string.
  emacs_value sym = plain_ascii(key) ? env.intern(name.c_str())
                                     : env.call(emacs::sym().intern, env.make_string(key));
  symbols_.emplace(std::move(name), sym);
  return sym;
}

void LispBuilder::start(JsonTape&& tape, std::size_t first) {
  tape_ = std::move(tape);
  pos_ = first;
  stack_.clear();
  stashed_ = 0;
}

void LispBuilder::reset() {
  tape_.reset();
  pos_ = 0;
  stack_.clear();
  stashed_ = 0;
}

emacs_value scalar_value(emacs::Env& env, const Token& t, std::string_view text) {
  const auto& s = emacs::sym();
  switch (t.kind) {
    case Token::Kind::null:
      return s.kw_null;
    case Token::Kind::true_:
      return s.t;
    case Token::Kind::false_:
      return s.kw_false;
    case Token::Kind::integer:
      return env.make_integer(t.integer);
    case Token::Kind::real:
      return env.make_float(t.real);
    case Token::Kind::string:
      return env.make_string(text);
    case Token::Kind::key:
    case Token::Kind::array:
    case Token::Kind::object:
      break;
  }
  throw std::logic_error("scalar_value: not a scalar token");
}

emacs_value LispBuilder::finish(emacs::Env& env, Frame& frame, emacs_value& stash) {
  emacs_value value = join(env, frame, stash);
  return frame.duplicate_keys ? merge_duplicate_keys(env, value) : value;
}

emacs_value LispBuilder::join(emacs::Env& env, Frame& frame, emacs_value& stash) {
  const auto& s = emacs::sym();
  emacs_value tail = env.call(s.list, std::span<emacs_value>(frame.items));
  if (frame.stashed_chunks == 0) return tail;
  // This frame's chunks are the newest entries on the stash, latest first.
  std::vector<emacs_value> parts(frame.stashed_chunks + 1);
  for (std::size_t i = frame.stashed_chunks; i-- > 0;) {
    parts[i] = env.call(s.car, stash);
    stash = env.call(s.cdr, stash);
  }
  parts.back() = tail;
  stashed_ -= frame.stashed_chunks;
  return env.call(s.nconc, std::span<emacs_value>(parts));
}

void LispBuilder::pause(emacs::Env& env, emacs_value& stash) {
  const auto& s = emacs::sym();
  // Bottom to top, so that the topmost frame, which finishes first, finds its chunks on top.
  for (auto& frame : stack_) {
    if (frame.items.empty()) continue;
    emacs_value chunk = env.call(s.list, std::span<emacs_value>(frame.items));
    stash = env.call(s.cons, chunk, stash);
    frame.items.clear();
    ++frame.stashed_chunks;
    ++stashed_;
  }
}

std::optional<emacs_value> LispBuilder::resume(emacs::Env& env, KeyCache& keys, emacs_value& stash,
                                               Clock::time_point deadline) {
  const auto& s = emacs::sym();
  const auto& tokens = tape_->tokens;
  unsigned built = 0;
  while (pos_ < tokens.size()) {
    const Token& t = tokens[pos_++];
    emacs_value value;
    if (t.kind == Token::Kind::key) {
      stack_.back().key = pos_ - 1;
      continue;
    }
    if ((t.kind == Token::Kind::array || t.kind == Token::Kind::object) && t.size > 0) {
      Frame frame;
      frame.object = t.kind == Token::Kind::object;
      frame.duplicate_keys = t.duplicate_keys;
      frame.remaining = t.size;
      frame.items.reserve(std::min<std::uint32_t>(t.size, 4096));
      stack_.push_back(std::move(frame));
      continue;
    }
    // Empty containers are nil, as with :object-type alist and :array-type list.
    value = (t.kind == Token::Kind::array || t.kind == Token::Kind::object)
                ? s.nil
                : scalar_value(env, t, t.kind == Token::Kind::string ? tape_->text(t) : std::string_view());
    // Hand the value to its container, closing every container it completes.
    for (;;) {
      if (stack_.empty()) {
        reset();
        return value;
      }
      Frame& top = stack_.back();
      if (top.object) value = env.call(s.cons, keys.symbol(env, tape_->text(tokens[top.key])), value);
      top.items.push_back(value);
      if (--top.remaining > 0) break;
      value = finish(env, top, stash);
      stack_.pop_back();
    }
    if (++built % kClockStride == 0 && Clock::now() >= deadline) {
      pause(env, stash);
      return std::nullopt;
    }
  }
  throw std::logic_error("LispBuilder: truncated tape");
}

}  // namespace lamp::module
