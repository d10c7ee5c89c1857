// SPDX-License-Identifier: GPL-3.0-or-later
// Tolerant unified diff reader.
#include "patch/diff_reader.hpp"

#include "patch/text_lines.hpp"

namespace lamp::patch {
namespace {

bool is_hunk_header(std::string_view line) { return line.starts_with("@@"); }

bool is_file_header_at(const std::vector<std::string_view>& lines, std::size_t i) {
  return lines[i].starts_with("--- ") && i + 1 < lines.size() && lines[i + 1].starts_with("+++ ");
}

bool is_git_preamble(std::string_view line) {
  return line.starts_with("diff --git ") || line.starts_with("index ") ||
         line.starts_with("new file mode") || line.starts_with("deleted file mode") ||
         line.starts_with("similarity index") || line.starts_with("rename from") ||
         line.starts_with("rename to") || line.starts_with("old mode") || line.starts_with("new mode");
}

// A line an unfenced hunk can contain.
bool is_hunk_line(std::string_view line) {
  return line.empty() || line[0] == ' ' || line[0] == '+' || line[0] == '-' || line[0] == '\\';
}

HunkLine classify(std::string_view line) {
  if (line.empty()) return {HunkLineKind::context, ""};
  switch (line[0]) {
    case ' ': return {HunkLineKind::context, std::string(line.substr(1))};
    case '+': return {HunkLineKind::added, std::string(line.substr(1))};
    case '-': return {HunkLineKind::removed, std::string(line.substr(1))};
    default: return {HunkLineKind::unmarked, std::string(line)};
  }
}

}  // namespace

std::string clean_diff_name(std::string_view raw) {
  std::string_view name = trim(raw);
  if (const auto tab = name.find('\t'); tab != std::string_view::npos) name = name.substr(0, tab);
  name = trim(name);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  if (name == "/dev/null") return std::string(name);
  if (name.starts_with("a/") || name.starts_with("b/")) name.remove_prefix(2);
  return std::string(name);
}

bool looks_like_diff(const std::vector<std::string_view>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (is_hunk_header(lines[i]) || is_file_header_at(lines, i)) return true;
  }
  return false;
}

std::vector<FileDiff> read_diff(const std::vector<std::string_view>& lines, bool bounded,
                                std::vector<std::string_view>* prose) {
  std::vector<FileDiff> files;
  ReadHunk* hunk = nullptr;
  auto current_file = [&]() -> FileDiff& {
    if (files.empty()) files.emplace_back();
    return files.back();
  };
  auto close_hunk = [&] {
    if (hunk == nullptr) return;
    // Blank lines at the end are separators more often than context.
    auto& body = hunk->hunk.lines;
    while (!body.empty() && body.back().kind == HunkLineKind::context && is_blank(body.back().text)) {
      body.pop_back();
    }
    if (body.empty()) current_file().hunks.pop_back();
    hunk = nullptr;
  };
  auto open_hunk = [&](std::string header) {
    close_hunk();
    current_file().hunks.push_back({{}, std::move(header)});
    hunk = &current_file().hunks.back();
  };

  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (is_file_header_at(lines, i)) {
      close_hunk();
      FileDiff file;
      file.old_name = clean_diff_name(line.substr(4));
      file.new_name = clean_diff_name(lines[i + 1].substr(4));
      files.push_back(std::move(file));
      ++i;
      if (i + 1 < lines.size() && !is_hunk_header(lines[i + 1]) && !is_file_header_at(lines, i + 1)) {
        open_hunk("");  // a diff without @@ lines: the body follows the headers directly
      }
      continue;
    }
    if (is_hunk_header(line)) {
      open_hunk(std::string(trim(line)));
      continue;
    }
    if (is_git_preamble(line) && (hunk == nullptr || line.starts_with("diff --git "))) {
      close_hunk();
      continue;
    }
    if (hunk == nullptr) {
      if (bounded && !is_blank(line)) {
        open_hunk("");
      } else {
        if (prose) prose->push_back(line);
        continue;
      }
    }
    if (line.starts_with("\\")) continue;  // "\ No newline at end of file"
    // In an unfenced hunk a line without prefix belongs to it (a '+' lost) only when more
    // hunk lines follow at once; otherwise it is prose.
    const bool continues = i + 1 < lines.size() && !lines[i + 1].empty() &&
                           (lines[i + 1][0] == ' ' || lines[i + 1][0] == '+' || lines[i + 1][0] == '-');
    if (!bounded && !is_hunk_line(line) && !continues) {
      close_hunk();
      if (prose) prose->push_back(line);
      continue;
    }
    if (!bounded && line.empty()) {
      // A blank line followed by prose ends an unfenced hunk.
      std::size_t next = i + 1;
      while (next < lines.size() && lines[next].empty()) ++next;
      if (next >= lines.size() || !is_hunk_line(lines[next]) ||
          (lines[next][0] != ' ' && lines[next][0] != '+' && lines[next][0] != '-')) {
        close_hunk();
        continue;
      }
    }
    hunk->hunk.lines.push_back(classify(line));
  }
  close_hunk();
  // Drop sections that carried no hunks (e.g. a header pair quoted in prose).
  std::erase_if(files, [](const FileDiff& f) { return f.hunks.empty(); });
  return files;
}

}  // namespace lamp::patch
