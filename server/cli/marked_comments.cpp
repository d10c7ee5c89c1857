// SPDX-License-Identifier: GPL-3.0-or-later
// The marked-comment finder on top of CommentScan; what "marked" means is patch/marked_comment.
#include "cli/marked_comments.hpp"

#include "patch/marked_comment.hpp"

namespace lamp::cli {
namespace {

// The comment's first line is marked ("# wisp: ...", "// ... AI!", "/* wisp: ... */").
bool is_marked(std::string_view text, const TextRange& comment, const SourceLanguage& language) {
  std::string_view first = text.substr(comment.begin, comment.end - comment.begin);
  first = first.substr(0, first.find('\n'));
  const std::string_view style = language.line_comments.empty() ? std::string_view() : language.line_comments.front();
  return patch::is_marked_comment_line(first, style);
}

}  // namespace

std::vector<TextRange> marked_comments(std::string_view text, const SourceLanguage& language) {
  const CommentScan scan(text, language);
  std::vector<TextRange> out;
  for (const TextRange& comment : scan.comments()) {
    if (!is_marked(text, comment, language)) continue;
    if (scan.whole_line_comment(comment.begin) != &comment) {
      // A trailing comment: the comment without its newline.
      std::size_t end = comment.end;
      while (end > comment.begin && (text[end - 1] == '\n' || text[end - 1] == '\r')) --end;
      out.push_back({comment.begin, end});
      continue;
    }
    // From the marked line down, until a line that is not a whole-line comment or is marked;
    // a block comment with code after it on its last line is the comment alone.
    std::size_t end = comment.end;
    const bool fills_line = end == text.size() || scan.at_line_start(end) || scan.take_newline(end) != end;
    for (std::size_t pos = scan.after(end); fills_line && pos < text.size();) {
      const TextRange* below = scan.whole_line_comment(pos);
      if (below == nullptr || is_marked(text, *below, language)) break;
      end = below->end;
      pos = scan.after(end);
    }
    out.push_back({comment.begin, scan.take_newline(end)});
  }
  return out;
}

}  // namespace lamp::cli
