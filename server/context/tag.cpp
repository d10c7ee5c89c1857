// SPDX-License-Identifier: GPL-3.0-or-later
// Which ctags tags make an outline, and their one-line signatures built from the definition's
// own first line (so each language keeps its own syntax: "def f(x)", "(defun f (x)", "int f()").
#include "context/tag.hpp"

#include <string_view>

namespace lamp::context {
namespace {

constexpr std::size_t kMaxSignatureBytes = 160;

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
  for (const auto w : words)
    if (w == word) return true;
  return false;
}

// Kinds that define something a reader of the project wants to see (not variables or fields).
bool is_definition_kind(std::string_view kind) {
  return one_of(kind, {"function", "func", "method", "class", "struct", "interface", "enum", "union",
                       "trait", "prototype", "implementation", "module", "type", "singletonMethod",
                       "generator", "subroutine", "procedure"});
}

bool is_callable_kind(std::string_view kind) {
  return one_of(kind, {"function", "func", "method", "prototype", "singletonMethod", "generator",
                       "subroutine", "procedure"});
}

bool is_top_scope(std::string_view scope_kind) {
  return one_of(scope_kind, {"", "namespace", "package", "module", "file"});
}

bool is_class_scope(std::string_view scope_kind) {
  return one_of(scope_kind, {"class", "struct", "interface", "trait", "implementation", "union"});
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Offset of `name` in `line` as a whole word, or npos.
std::size_t find_word(std::string_view line, std::string_view name) {
  if (name.empty()) return std::string_view::npos;
  for (auto at = line.find(name); at != std::string_view::npos; at = line.find(name, at + 1)) {
    const bool starts = at == 0 || !is_word_char(line[at - 1]);
    const bool ends = at + name.size() == line.size() || !is_word_char(line[at + name.size()]);
    if (starts && ends) return at;
  }
  return std::string_view::npos;
}

// The line from `from` on with the body cut off: up to a "{" outside brackets, then without a
// trailing ":" (Python) or ";" (a C prototype). Returns whether the brackets stayed open.
std::string_view strip_body(std::string_view line, std::size_t from, bool& unbalanced) {
  int depth = 0;
  std::size_t cut = line.size();
  for (std::size_t i = from; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '(' || c == '[') ++depth;
    if ((c == ')' || c == ']') && depth > 0) --depth;
    if (c == '{' && depth == 0) {
      cut = i;
      break;
    }
  }
  unbalanced = depth > 0;
  std::string_view head = trim(line.substr(0, cut));
  if (!head.empty() && (head.back() == ':' || head.back() == ';') &&
      !(head.size() >= 2 && head[head.size() - 2] == ':'))
    head.remove_suffix(1);
  return trim(head);
}

// ctags' signature with its whitespace runs (line breaks included) made one space, and none
// just inside the brackets: "( argv,\n    strict=False)" -> "(argv, strict=False)".
std::string tidy_signature(std::string_view signature) {
  std::string out;
  bool space = false;
  for (const char c : signature) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty() && out.back() != '(' && out.back() != '[' && out.back() != ' ' && c != ')' && c != ']' &&
        c != ',')
      out += ' ';
    space = false;
    out += c;
    if (c == ',') out += ' ';
  }
  return out;
}

std::string cap(std::string s) {
  if (s.size() <= kMaxSignatureBytes) return s;
  std::size_t cut = kMaxSignatureBytes - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s + "...";
}

}  // namespace

int outline_depth(const Tag& tag) {
  // Python's methods are "member"s, like C++'s fields; only the methods have parameters.
  const bool method_member = tag.kind == "member" && !tag.signature.empty();
  if (method_member && is_class_scope(tag.scope_kind) && tag.scope.find('.') == std::string::npos) return 1;
  if (!is_definition_kind(tag.kind) || tag.name.empty() || tag.name.starts_with("__anon")) return -1;
  if (is_top_scope(tag.scope_kind)) return 0;
  // "Outer.Inner" is a nested class in the languages that separate scopes with dots.
  if (is_class_scope(tag.scope_kind) && is_callable_kind(tag.kind) &&
      tag.scope.find('.') == std::string::npos && tag.scope.find("__anon") == std::string::npos)
    return 1;
  return -1;
}

std::string signature_line(const Tag& tag) {
  const std::string_view line = trim(tag.source_line);
  std::size_t at = find_word(line, tag.name);
  std::size_t after = at + tag.name.size();
  // ctags writes C++ operators as "operator =" whatever the source has ("operator=").
  if (at == std::string_view::npos && tag.name.starts_with("operator")) {
    at = find_word(line, "operator");
    after = at == std::string_view::npos ? at : line.find('(', at + 8);
  }
  if (at == std::string_view::npos || after == std::string_view::npos)
    return cap(tag.kind + " " + tag.name + tidy_signature(tag.signature));
  bool unbalanced = false;
  const std::string_view head = strip_body(line, after, unbalanced);
  // The parameters go on past the first line (or past ctags' cut): ctags' signature has them all.
  if ((unbalanced || tag.source_line_cut) && !tag.signature.empty())
    return cap(std::string(line.substr(0, after)) + tidy_signature(tag.signature));
  return cap(std::string(head) + (tag.source_line_cut ? "..." : ""));
}

}  // namespace lamp::context
