// SPDX-License-Identifier: GPL-3.0-or-later
// What `lamp patch` knows about a file from its extension: the language name and comment style
// wisp.patch is told, and the comment and string syntax used to find the comment at a line.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lamp::cli {

struct SourceLanguage {
  std::string name;            // "python", "c", ... ("text" when unknown)
  std::string comment_style;   // "line" or "block", as wisp sends it
  std::vector<std::string> line_comments;                     // "#", "//", ...
  std::vector<std::pair<std::string, std::string>> block_comments;  // {"/*", "*/"}, ...
  std::string string_quotes;   // characters that open a string closed by the same one
  bool triple_quotes = false;  // Python's """ and '''
};

// The language of `file` by its extension; unknown extensions get "text" with `#` comments.
SourceLanguage language_of(const std::filesystem::path& file);

}  // namespace lamp::cli
