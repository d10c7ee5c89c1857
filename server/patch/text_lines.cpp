// SPDX-License-Identifier: GPL-3.0-or-later
// Line splitting that keeps terminators, and whitespace helpers.
#include "patch/text_lines.hpp"

#include <algorithm>

namespace lamp::patch {

Lines split_lines(std::string_view text) {
  Lines lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back({std::string(text.substr(start)), ""});
      break;
    }
    const bool crlf = nl > start && text[nl - 1] == '\r';
    const std::size_t text_end = crlf ? nl - 1 : nl;
    lines.push_back({std::string(text.substr(start, text_end - start)), crlf ? "\r\n" : "\n"});
    start = nl + 1;
  }
  return lines;
}

std::string join_lines(const Lines& lines) {
  std::size_t size = 0;
  for (const auto& line : lines) size += line.text.size() + line.eol.size();
  std::string out;
  out.reserve(size);
  for (const auto& line : lines) {
    out += line.text;
    out += line.eol;
  }
  return out;
}

std::string dominant_eol(const Lines& lines) {
  std::size_t crlf = 0;
  std::size_t lf = 0;
  for (const auto& line : lines) {
    if (line.eol == "\r\n") ++crlf;
    if (line.eol == "\n") ++lf;
  }
  return crlf > lf ? "\r\n" : "\n";
}

std::vector<std::string_view> split_content(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out.push_back(line);
    start = nl + 1;
  }
  return out;
}

std::vector<std::string> split_content_copy(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view line : split_content(text)) out.emplace_back(line);
  return out;
}

std::string join_content(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += lines[i];
  }
  return out;
}

std::string normalize_newlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

std::string_view trim_left(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  return s.substr(i);
}

std::string_view trim_right(std::string_view s) {
  std::size_t n = s.size();
  while (n > 0 && is_space(s[n - 1])) --n;
  return s.substr(0, n);
}

std::string_view trim(std::string_view s) { return trim_right(trim_left(s)); }

std::string_view leading_whitespace(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(0, i);
}

bool is_blank(std::string_view s) { return trim(s).empty(); }

std::string squash_whitespace(std::string_view s) {
  s = trim(s);
  std::string out;
  out.reserve(s.size());
  bool in_space = false;
  for (char c : s) {
    if (is_space(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out += ' ';
    in_space = false;
    out += c;
  }
  return out;
}

bool similar_lines(std::string_view a, std::string_view b) {
  const std::string x = squash_whitespace(a);
  const std::string y = squash_whitespace(b);
  if (x.empty() || y.empty()) return false;
  std::size_t prefix = 0;
  while (prefix < x.size() && prefix < y.size() && x[prefix] == y[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < x.size() - prefix && suffix < y.size() - prefix &&
         x[x.size() - 1 - suffix] == y[y.size() - 1 - suffix]) {
    ++suffix;
  }
  return 10 * (prefix + suffix) >= 6 * std::max(x.size(), y.size());
}

std::size_t indent_columns(std::string_view indent) {
  std::size_t col = 0;
  for (char c : indent) col = c == '\t' ? (col / 8 + 1) * 8 : col + 1;
  return col;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool has_control_character(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

}  // namespace lamp::patch
