// SPDX-License-Identifier: GPL-3.0-or-later
// How an ACP turn asks the model for file edits and finds them in its answer: one fenced block
// per file naming it (```lang path=/abs/file) with SEARCH/REPLACE blocks or the whole file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::acp {

// The system prompt of an ACP session (cwd shown to the model), edit rules included.
std::string system_prompt(std::string_view cwd);

// A fence opening line: ``` or ~~~ (3 or more) at column 0, with its info string.
struct Fence {
  char mark = '`';
  std::size_t length = 3;
  std::string info;
};
std::optional<Fence> opening_fence(std::string_view line);
bool closes(const Fence& fence, std::string_view line);

// The file an opening fence names with "path=..." (made absolute against cwd), if any.
std::optional<std::string> fence_path(const Fence& fence, std::string_view cwd);

struct EditBlock {
  std::string path;  // absolute
  std::string body;  // the lines between the fences, each ending in "\n"
};

// Every complete path= block of a finished reply, in order; a later block for the same path
// replaces an earlier one. An unclosed block (a cut-off reply) is not an edit.
std::vector<EditBlock> find_edit_blocks(std::string_view reply, std::string_view cwd);

}  // namespace lamp::acp
