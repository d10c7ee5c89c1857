// SPDX-License-Identifier: GPL-3.0-or-later
// The path= fenced-block edit format: prompt text, fence parsing and edit block extraction.
#include "acp/edit_format.hpp"

#include "acp/file_uri.hpp"

#include <algorithm>

namespace lamp::acp {
namespace {

constexpr std::string_view kPrompt = R"(You are lamp, a coding assistant working in the user's editor through the Agent Client Protocol.
Answer in Markdown. Be concise and precise.

Files the user attached appear in their messages as <file path="PATH"> ... </file>.

When the user asks you to change an attached file:
- Say in one or two sentences what you change.
- Then give one fenced block per changed file whose opening line names the file after the
  language, for example ```python path=/absolute/path/of/file.py
- Inside it, write SEARCH/REPLACE blocks:
<<<<<<< SEARCH
lines copied exactly from the file
=======
the lines that replace them
>>>>>>> REPLACE
- SEARCH must be copied character for character (indentation, comments, blank lines) and match
  one place only; add a few unchanged lines around the change when needed to make it unique.
- REPLACE must be complete, working code: never abbreviate with "..." or "rest unchanged".
- To rewrite a short file completely, the block may instead hold the complete new content.
- If the file contains ``` lines, open and close the block with more backticks (````).
The editor shows your change as a diff and asks the user before writing it.
For questions, explanations and snippets, answer normally without path=.
)";

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string system_prompt(std::string_view cwd) {
  std::string out(kPrompt);
  out += "The session's working directory is ";
  out += cwd;
  out += ".\n";
  return out;
}

std::optional<Fence> opening_fence(std::string_view line) {
  line = trim_right(line);
  if (line.empty() || (line[0] != '`' && line[0] != '~')) return std::nullopt;
  Fence fence;
  fence.mark = line[0];
  fence.length = std::min(line.find_first_not_of(fence.mark), line.size());
  if (fence.length < 3) return std::nullopt;
  std::string_view info = line.substr(fence.length);
  if (fence.mark == '`' && info.find('`') != std::string_view::npos) return std::nullopt;
  while (!info.empty() && (info.front() == ' ' || info.front() == '\t')) info.remove_prefix(1);
  fence.info = std::string(info);
  return fence;
}

bool closes(const Fence& fence, std::string_view line) {
  line = trim_right(line);
  return line.size() >= fence.length &&
         line.find_first_not_of(fence.mark) == std::string_view::npos;
}

std::optional<std::string> fence_path(const Fence& fence, std::string_view cwd) {
  std::string_view info = fence.info;
  std::size_t at = 0;
  // "path=" at the start of the info string or after a space.
  while ((at = info.find("path=", at)) != std::string_view::npos) {
    if (at == 0 || info[at - 1] == ' ' || info[at - 1] == '\t') break;
    at += 5;
  }
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view value = info.substr(at + 5);
  if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
    const char quote = value.front();
    value.remove_prefix(1);
    value = value.substr(0, value.find(quote));
  } else {
    value = value.substr(0, value.find_first_of(" \t"));
  }
  if (value.empty()) return std::nullopt;
  if (auto path = path_from_uri(value)) return path;
  if (value.find("://") != std::string_view::npos) return std::nullopt;
  return absolute_path(value, cwd);
}

std::vector<EditBlock> find_edit_blocks(std::string_view reply, std::string_view cwd) {
  std::vector<EditBlock> blocks;
  std::optional<Fence> open;
  std::optional<std::string> path;  // set while inside a path= block
  std::string body;
  std::size_t pos = 0;
  while (pos < reply.size()) {
    const std::size_t nl = reply.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? reply.size() : nl;
    const std::string_view line = reply.substr(pos, end - pos);
    pos = end + 1;
    if (!open) {
      open = opening_fence(line);
      if (open) path = fence_path(*open, cwd);
      body.clear();
    } else if (closes(*open, line)) {
      if (path) {
        std::erase_if(blocks, [&](const EditBlock& b) { return b.path == *path; });
        blocks.push_back(EditBlock{*path, body});
      }
      open.reset();
      path.reset();
    } else if (path) {
      body += line;
      body += '\n';
    }
  }
  return blocks;
}

}  // namespace lamp::acp
