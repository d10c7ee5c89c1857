// SPDX-License-Identifier: GPL-3.0-or-later
// render_repo_map: ranks a project's files for the file being edited and writes their outlines
// (path, then one indented signature per definition) up to a byte cap.
#pragma once

#include "context/tag.hpp"

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace lamp::context {

// The names `text` uses, as the map ranks by them: C-like words and Lisp-like words that may
// contain "-", at least 3 characters, not starting with a digit (views into `text`).
std::unordered_set<std::string_view> used_names(std::string_view text);

struct FileOutline {
  std::string_view path;         // relative to the project root, "/"-separated
  const std::vector<Tag>* tags;  // the file's outline tags (never null)
};

// Order: files defining names that `current_text` uses (names defined in few files weigh more,
// methods half, names in more than 5 files nothing; only files of the current file's language
// family, by extension, when both are known), then files in the current file's directory, then by the number of leading directories shared
// with it, then by path. `current_rel` itself and files without outline tags are left out.
// The result is whole lines, at most `max_bytes` bytes; it stops at the first line that does not
// fit, and never ends with a path whose definitions were all cut.
std::string render_repo_map(const std::vector<FileOutline>& files, std::string_view current_rel,
                            std::string_view current_text, std::size_t max_bytes);

}  // namespace lamp::context
