// SPDX-License-Identifier: GPL-3.0-or-later
// A small lexer (comments and strings only) and wisp's block rules on top of it.
#include "cli/comment_block.hpp"

#include <algorithm>
#include <vector>

namespace lamp::cli {
namespace {

bool at(std::string_view text, std::size_t i, std::string_view token) {
  return !token.empty() && text.substr(i, token.size()) == token;
}

// Every comment in `text`, in order.
std::vector<TextRange> find_comments(std::string_view text, const SourceLanguage& lang) {
  std::vector<TextRange> out;
  std::size_t i = 0;
  while (i < text.size()) {
    // Block openers first: Lua's "--[[" must win over its "--".
    const auto block = std::find_if(lang.block_comments.begin(), lang.block_comments.end(),
                                    [&](const auto& b) { return at(text, i, b.first); });
    if (block != lang.block_comments.end()) {
      const auto close = text.find(block->second, i + block->first.size());
      const std::size_t end = close == std::string_view::npos ? text.size() : close + block->second.size();
      out.push_back({i, end});
      i = end;
      continue;
    }
    if (std::any_of(lang.line_comments.begin(), lang.line_comments.end(),
                    [&](const std::string& l) { return at(text, i, l); })) {
      const auto newline = text.find('\n', i);
      const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
      out.push_back({i, end});
      i = end;
      continue;
    }
    const char c = text[i];
    if (lang.string_quotes.find(c) != std::string::npos) {
      const bool triple = lang.triple_quotes && at(text, i, std::string(3, c));
      const std::string closer(triple ? 3 : 1, c);
      std::size_t j = i + closer.size();
      while (j < text.size() && !at(text, j, closer)) {
        if (text[j] == '\\') ++j;
        if (c == '\'' && j < text.size() && text[j] == '\n') break;  // an apostrophe, not a string, after all
        ++j;
      }
      i = std::min(j + closer.size(), text.size());
      continue;
    }
    ++i;
  }
  return out;
}

}  // namespace

CommentScan::CommentScan(std::string_view text, const SourceLanguage& language)
    : text_(text), comments_(find_comments(text, language)) {}

std::size_t CommentScan::line_start(std::size_t pos) const {
  const auto nl = pos == 0 ? std::string_view::npos : text_.rfind('\n', pos - 1);
  return nl == std::string_view::npos ? 0 : nl + 1;
}

std::size_t CommentScan::line_end(std::size_t pos) const { return std::min(text_.find('\n', pos), text_.size()); }

std::size_t CommentScan::next_line(std::size_t pos) const { return std::min(line_end(pos) + 1, text_.size()); }

const TextRange* CommentScan::whole_line_comment(std::size_t pos) const {
  const std::size_t start = line_start(pos);
  const auto first = text_.find_first_not_of(" \t", start);
  if (first == std::string_view::npos || first >= line_end(start)) return nullptr;
  const auto it = std::lower_bound(comments_.begin(), comments_.end(), first,
                                   [](const TextRange& c, std::size_t p) { return c.begin < p; });
  return it != comments_.end() && it->begin == first ? &*it : nullptr;
}

const TextRange* CommentScan::on_line(std::size_t line_begin) const {
  const std::size_t stop = line_end(line_begin);
  for (const TextRange& c : comments_) {
    if (c.begin < line_begin && line_begin < c.end) return &c;  // a block comment across it
    if (c.begin >= line_begin && c.begin < stop) return &c;
    if (c.begin >= stop) break;
  }
  return nullptr;
}

std::size_t CommentScan::take_newline(std::size_t end) const {
  if (!at_line_start(end) && text_.substr(end, line_end(end) - end).find_first_not_of(" \t\r") == std::string_view::npos) {
    return std::min(line_end(end) + 1, text_.size());
  }
  return end;
}

std::optional<TextRange> comment_block_at_line(std::string_view text, const SourceLanguage& language,
                                               std::size_t line) {
  if (line == 0) return std::nullopt;
  std::size_t line_begin = 0;
  for (std::size_t n = 1; n < line; ++n) {
    const auto nl = text.find('\n', line_begin);
    if (nl == std::string_view::npos || nl + 1 >= text.size()) return std::nullopt;
    line_begin = nl + 1;
  }
  const CommentScan index(text, language);
  const TextRange* found = index.on_line(line_begin);
  if (found == nullptr) return std::nullopt;
  std::size_t start = found->begin;
  std::size_t end = found->end;
  if (index.whole_line_comment(start) == found) {
    // Whole-line comments above and below belong to the block.
    for (std::size_t pos = index.line_start(start); pos > 0;) {
      const TextRange* above = index.whole_line_comment(pos - 1);
      if (above == nullptr) break;
      start = above->begin;
      pos = index.line_start(start);
    }
    std::size_t pos = index.after(end);
    while (pos < text.size()) {
      const TextRange* below = index.whole_line_comment(pos);
      if (below == nullptr) break;
      end = below->end;
      pos = index.after(end);
    }
    end = index.take_newline(end);
  }
  return TextRange{start, end};
}

}  // namespace lamp::cli
