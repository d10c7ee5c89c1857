// SPDX-License-Identifier: GPL-3.0-or-later
// Comment starters and the wisp marker: what the instruction drops and what marks a comment.
#include "patch/marked_comment.hpp"

#include "patch/text_lines.hpp"

#include <array>
#include <cctype>

namespace lamp::patch {
namespace {

constexpr std::string_view kPrefix = "wisp:";
constexpr std::string_view kSuffix = "ai!";

bool starts_with_prefix(std::string_view text) {
  return text.size() >= kPrefix.size() && ascii_lower(text.substr(0, kPrefix.size())) == kPrefix;
}

// "AI!" as a word of its own: "fix AI!" and "AI!" but not "MAI!".
bool ends_with_suffix(std::string_view text) {
  if (text.size() < kSuffix.size() || ascii_lower(text.substr(text.size() - kSuffix.size())) != kSuffix) return false;
  if (text.size() == kSuffix.size()) return true;
  const auto before = static_cast<unsigned char>(text[text.size() - kSuffix.size() - 1]);
  return !std::isalnum(before) && before != '_';
}

}  // namespace

std::string strip_comment_markers(std::string_view text, std::string_view comment_style) {
  const std::string_view style = trim(comment_style);
  static constexpr std::array<std::string_view, 11> kOpeners = {
      "<!--", "/**", "/*", "///", "//", "#", ";", "--", "%", "\"", "*"};
  static constexpr std::array<std::string_view, 2> kClosers = {"-->", "*/"};
  std::string out;
  for (std::string_view line : split_content(text)) {
    line = trim(line);
    bool stripped = true;
    while (stripped && !line.empty()) {
      stripped = false;
      if (!style.empty() && line.starts_with(style)) {
        line = trim(line.substr(style.size()));
        stripped = true;
        continue;
      }
      for (std::string_view opener : kOpeners) {
        if (line.starts_with(opener)) {
          // Strip repeated markers: ";;;", "###", "////".
          while (line.starts_with(opener)) line.remove_prefix(opener.size());
          line = trim(line);
          stripped = true;
          break;
        }
      }
    }
    for (std::string_view closer : kClosers) {
      if (line.ends_with(closer)) line = trim(line.substr(0, line.size() - closer.size()));
    }
    if (!out.empty()) out += '\n';
    out += line;
  }
  return std::string(trim(out));
}

bool has_wisp_marker(std::string_view comment_text) {
  const std::string_view text = trim(comment_text);
  return starts_with_prefix(text) || ends_with_suffix(text);
}

bool is_comment_line(std::string_view line, std::string_view comment_style) {
  const std::string_view trimmed = trim(line);
  if (trimmed.empty() || trimmed.find('\n') != std::string_view::npos) return false;
  // Something was stripped from its start.
  const std::string text = strip_comment_markers(trimmed, comment_style);
  return text.empty() || !trimmed.starts_with(text);
}

bool is_marked_comment_line(std::string_view line, std::string_view comment_style) {
  return is_comment_line(line, comment_style) && has_wisp_marker(strip_comment_markers(trim(line), comment_style));
}

std::string strip_wisp_marker(std::string_view text) {
  std::string out;
  for (std::string_view line : split_content(text)) {
    line = trim(line);
    if (starts_with_prefix(line)) line = trim(line.substr(kPrefix.size()));
    if (ends_with_suffix(line)) line = trim(line.substr(0, line.size() - kSuffix.size()));
    if (!out.empty()) out += '\n';
    out += line;
  }
  return std::string(trim(out));
}

}  // namespace lamp::patch
