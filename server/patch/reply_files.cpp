// SPDX-License-Identifier: GPL-3.0-or-later
// File-name lines of replies that edit several files, matched against the files sent.
#include "patch/reply_files.hpp"

#include "patch/text_lines.hpp"

#include <algorithm>
#include <cctype>

namespace lamp::patch {
namespace {

std::string_view base_of(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool suffix_at_slash(std::string_view longer, std::string_view shorter) {
  return longer.size() > shorter.size() && longer.ends_with(shorter) &&
         longer[longer.size() - shorter.size() - 1] == '/';
}

}  // namespace

std::string_view file_name_text(std::string_view line) {
  std::string_view t = trim(line);
  auto strip = [&t] {
    while (!t.empty() && std::string_view("#*`> ").find(t.front()) != std::string_view::npos) t.remove_prefix(1);
    while (!t.empty() && std::string_view("*`: ").find(t.back()) != std::string_view::npos) t.remove_suffix(1);
  };
  strip();
  for (std::string_view prefix : {"File:", "file:", "Path:", "path:", "Filename:", "filename:"}) {
    if (t.starts_with(prefix)) {
      t.remove_prefix(prefix.size());
      strip();
      break;
    }
  }
  // "a.py (new file)": a remark after the name.
  if (const std::size_t paren = t.find(" ("); paren != std::string_view::npos && t.ends_with(')')) {
    t = t.substr(0, paren);
    strip();
  }
  return t;
}

std::optional<std::string> file_of_name(std::string_view name, const ReplyContext& ctx) {
  if (name.empty()) return std::nullopt;
  auto matches = [&](std::string_view path) {
    return name == path || suffix_at_slash(path, name) || suffix_at_slash(name, path);
  };
  if (matches(ctx.rel_path)) return std::string();
  for (const std::string& file : ctx.files) {
    if (matches(file)) return file;
  }
  // By base name, when only one file has it.
  const std::string_view base = base_of(name);
  std::optional<std::string> found;
  int count = 0;
  if (base_of(ctx.rel_path) == base) {
    found = std::string();
    ++count;
  }
  for (const std::string& file : ctx.files) {
    if (base_of(file) == base) {
      found = file;
      ++count;
    }
  }
  return count == 1 ? found : std::nullopt;
}

std::optional<std::string> file_of_line(std::string_view line, const ReplyContext& ctx) {
  const std::string_view t = file_name_text(line);
  if (t.empty() || std::any_of(t.begin(), t.end(), [](char c) { return c == ' ' || c == '\t'; })) {
    return std::nullopt;
  }
  return file_of_name(t, ctx);
}

bool looks_like_path(std::string_view line) {
  const std::string_view t = file_name_text(line);
  if (t.empty() || t.size() > 255) return false;
  if (std::any_of(t.begin(), t.end(), [](char c) { return c == ' ' || c == '\t'; })) return false;
  const std::string_view base = base_of(t);
  const std::size_t dot = base.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == base.size()) return false;
  const std::string_view ext = base.substr(dot + 1);
  if (ext.size() > 10) return false;
  const bool word = std::all_of(ext.begin(), ext.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  const bool letter = std::any_of(ext.begin(), ext.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  return word && letter;
}

}  // namespace lamp::patch
