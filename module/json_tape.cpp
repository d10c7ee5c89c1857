// SPDX-License-Identifier: GPL-3.0-or-later
// JSON text → JsonTape through nlohmann/json's SAX parser (no DOM is built).
#include "json_tape.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <unordered_set>

namespace lamp::module {
namespace {

using json = nlohmann::json;

class TapeBuilder {
 public:
  TapeBuilder(JsonTape& tape, std::string& error) : tape_(tape), error_(error) {}

  bool null() { return scalar(Token::Kind::null); }
  bool boolean(bool v) { return scalar(v ? Token::Kind::true_ : Token::Kind::false_); }
  bool number_integer(json::number_integer_t v) {
    Token t;
    t.kind = Token::Kind::integer;
    t.integer = v;
    return value(t);
  }
  bool number_unsigned(json::number_unsigned_t v) {
    if (v > static_cast<json::number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
      return fail("integer out of range");
    }
    return number_integer(static_cast<std::int64_t>(v));
  }
  bool number_float(json::number_float_t v, const json::string_t& text) {
    // nlohmann turns integers beyond 64 bits into doubles; Emacs rejects them.
    if (text.find_first_of(".eE") == std::string::npos) return fail("integer out of range");
    Token t;
    t.kind = Token::Kind::real;
    t.real = v;
    return value(t);
  }
  bool string(json::string_t& s) { return value(stored(Token::Kind::string, s)); }
  bool binary(json::binary_t&) { return fail("binary values are not JSON"); }
  bool key(json::string_t& s) {
    Token& object = tape_.tokens[open_.back()];
    ++object.size;
    if (!object.duplicate_keys && seen(s)) object.duplicate_keys = true;
    tape_.tokens.push_back(stored(Token::Kind::key, s));
    return true;
  }
  bool start_object(std::size_t) { return open(Token::Kind::object); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(Token::Kind::array); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    if (error_.empty()) error_ = e.what();
    return false;
  }

 private:
  bool scalar(Token::Kind kind) {
    Token t;
    t.kind = kind;
    return value(t);
  }
  // Appends a value, counting it as an element when its parent is an array.
  bool value(const Token& t) {
    if (!open_.empty()) {
      Token& parent = tape_.tokens[open_.back()];
      if (parent.kind == Token::Kind::array) ++parent.size;
    }
    tape_.tokens.push_back(t);
    return true;
  }
  Token stored(Token::Kind kind, const std::string& s) {
    if (s.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw std::length_error("JSON string too long");
    }
    Token t;
    t.kind = kind;
    t.offset = tape_.strings.size();
    t.size = static_cast<std::uint32_t>(s.size());
    tape_.strings.append(s);
    return t;
  }
  bool open(Token::Kind kind) {
    if (open_.size() >= static_cast<std::size_t>(kMaxDepth)) {
      return fail("JSON nesting deeper than " + std::to_string(kMaxDepth));
    }
    Token t;
    t.kind = kind;
    t.span = 1;
    value(t);
    open_.push_back(tape_.tokens.size() - 1);
    if (keys_.size() < open_.size()) keys_.resize(open_.size());
    keys_[open_.size() - 1] = {};
    return true;
  }
  // Whether the object being filled already has key `s`. Keys are compared in place for
  // small objects; a set is built once an object grows past a few keys.
  bool seen(const std::string& s) {
    auto& keys = keys_[open_.size() - 1];
    if (keys.set.empty() && keys.count < kLinearKeys) {
      const auto& tokens = tape_.tokens;
      for (std::size_t i = open_.back() + 1; i < tokens.size(); i = tape_.skip(i + 1)) {
        if (tape_.text(tokens[i]) == s) return true;
      }
      ++keys.count;
      return false;
    }
    if (keys.set.empty()) {
      const auto& tokens = tape_.tokens;
      for (std::size_t i = open_.back() + 1; i < tokens.size(); i = tape_.skip(i + 1)) {
        keys.set.emplace(tape_.text(tokens[i]));
      }
    }
    return !keys.set.emplace(s).second;
  }

  bool close() {
    tape_.tokens[open_.back()].span = tape_.tokens.size() - open_.back();
    open_.pop_back();
    return true;
  }
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  JsonTape& tape_;
  std::string& error_;
  struct Keys {
    std::size_t count = 0;
    std::unordered_set<std::string> set;
  };
  static constexpr std::size_t kLinearKeys = 8;

  std::vector<std::size_t> open_;  // indexes of the containers being filled
  std::vector<Keys> keys_;         // per open level (used by objects)
};

}  // namespace

bool parse_to_tape(std::string_view text, JsonTape& tape, std::string& error) {
  tape.tokens.clear();
  tape.strings.clear();
  error.clear();
  // nlohmann takes a raw NUL for the end of the input; JSON text never has one.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    error = "a NUL byte at offset " + std::to_string(nul) + " (JSON text cannot contain one)";
    return false;
  }
  TapeBuilder builder(tape, error);
  bool ok = false;
  try {
    ok = json::sax_parse(text, &builder, json::input_format_t::json, /*strict=*/true);
  } catch (const std::exception& e) {
    error = e.what();
    ok = false;
  }
  if (!ok && error.empty()) error = "malformed JSON";
  return ok;
}

Envelope classify(const JsonTape& tape) {
  Envelope env;
  if (tape.tokens.empty() || tape.tokens[0].kind != Token::Kind::object) return env;
  constexpr std::size_t none = 0;  // index 0 is the object itself, never a member
  std::size_t id = none, result = none, error = none, method = none, params = none;
  std::size_t i = 1;
  for (std::uint32_t pair = 0; pair < tape.tokens[0].size; ++pair) {
    const std::string_view key = tape.text(tape.tokens[i]);
    const std::size_t value = i + 1;
    std::size_t* slot = key == "id"       ? &id
                        : key == "result" ? &result
                        : key == "error"  ? &error
                        : key == "method" ? &method
                        : key == "params" ? &params
                                          : nullptr;
    if (slot != nullptr) *slot = value;  // the last occurrence, as `json-parse-string' keeps
    i = tape.skip(value);
  }
  const bool string_method = method != none && tape.tokens[method].kind == Token::Kind::string;
  if (string_method) {
    if (id == none) {
      env.kind = Envelope::Kind::notification;
      env.method = method;
      env.value = params;
    }
    return env;  // a request from the server: lamp.el answers it
  }
  if (id != none && error != none) {
    env.kind = Envelope::Kind::error;
    env.value = error;
  } else if (id != none && result != none) {
    env.kind = Envelope::Kind::result;
    env.value = result;
  }
  env.id = id;
  return env;
}

}  // namespace lamp::module
