// SPDX-License-Identifier: GPL-3.0-or-later
// Finds the marked comments of the selections in the edited text and takes them out.
#include "patch/consumed_markers.hpp"

#include "patch/marked_comment.hpp"
#include "patch/text_lines.hpp"

#include <algorithm>
#include <optional>

namespace lamp::patch {
namespace {

// Line index of every byte offset, by the offsets where lines start.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' && i + 1 < text.size()) starts_.push_back(i + 1);
    }
  }
  std::size_t line_of(std::size_t offset) const {
    return static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin()) - 1;
  }
  std::size_t start_of(std::size_t line) const { return starts_[line]; }

 private:
  std::vector<std::size_t> starts_;
};

// What happens to the edited lines: removed, or cut to a shorter text.
class EditedLines {
 public:
  explicit EditedLines(std::string_view edited) : lines_(split_lines(edited)), state_(lines_.size()) {}

  std::size_t size() const { return lines_.size(); }
  std::string_view text(std::size_t i) const { return lines_[i].text; }
  bool free(std::size_t i) const { return state_[i] == State::kept; }
  void remove(std::size_t i) { state_[i] = State::removed; }
  void cut(std::size_t i, std::string text) {
    lines_[i].text = std::move(text);
    state_[i] = State::cut;
  }

  // The free line nearest `near` that `matches` accepts.
  template <typename Match>
  std::optional<std::size_t> nearest(std::size_t near, Match matches) const {
    const std::size_t span = std::max(near + 1, lines_.size());
    for (std::size_t d = 0; d < span; ++d) {
      if (near + d < lines_.size() && free(near + d) && matches(text(near + d))) return near + d;
      if (d > 0 && d <= near && near - d < lines_.size() && free(near - d) && matches(text(near - d))) return near - d;
    }
    return std::nullopt;
  }

  std::string join() const {
    Lines kept;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      if (state_[i] != State::removed) kept.push_back(lines_[i]);
    }
    return join_lines(kept);
  }

 private:
  enum class State { kept, removed, cut };
  Lines lines_;
  std::vector<State> state_;
};

// A whole-line comment block: each marked line still there goes, with the unchanged unmarked
// comment lines of the block next to it (never a line of code the selection also covered).
void remove_whole_line(const Lines& original, std::size_t first, std::size_t last, std::string_view style,
                       EditedLines& edited, std::vector<std::size_t>& removed) {
  std::vector<bool> marked;
  for (std::size_t l = first; l <= last; ++l) marked.push_back(is_marked_comment_line(original[l].text, style));
  auto unchanged_unmarked = [&](std::size_t l, std::size_t j) {
    return !marked[l - first] && is_comment_line(original[l].text, style) && edited.free(j) &&
           trim(edited.text(j)) == trim(original[l].text);
  };
  for (std::size_t l = first; l <= last; ++l) {
    if (!marked[l - first]) continue;
    const std::string_view want = trim(original[l].text);
    const auto j = edited.nearest(l, [&](std::string_view t) { return trim(t) == want; });
    if (!j) continue;
    edited.remove(*j);
    removed.push_back(l + 1);
    for (std::size_t k = 1; k <= l - first && k <= *j && unchanged_unmarked(l - k, *j - k); ++k) edited.remove(*j - k);
    for (std::size_t k = 1; l + k <= last && *j + k < edited.size() && unchanged_unmarked(l + k, *j + k); ++k) {
      edited.remove(*j + k);
    }
  }
}

// A comment after code: the line that still ends with it loses it (the whole line when only
// the comment is left on it).
void remove_trailing(std::string_view comment, std::size_t line, std::string_view style, EditedLines& edited,
                     std::vector<std::size_t>& removed) {
  if (comment.empty() || comment.find('\n') != std::string_view::npos || !is_marked_comment_line(comment, style)) return;
  const auto j = edited.nearest(line, [&](std::string_view t) { return trim_right(t).ends_with(comment); });
  if (!j) return;
  const std::string_view text = trim_right(edited.text(*j));
  const std::string_view code = trim_right(text.substr(0, text.size() - comment.size()));
  if (is_blank(code)) edited.remove(*j);
  else edited.cut(*j, std::string(code));
  removed.push_back(line + 1);
}

}  // namespace

ConsumedMarkers remove_consumed_markers(std::string_view original, std::string_view edited,
                                        const std::vector<CommentSelection>& selections,
                                        std::string_view comment_style) {
  const Lines original_lines = split_lines(original);
  const LineIndex index(original);
  EditedLines lines(edited);
  std::vector<std::size_t> removed;
  for (const CommentSelection& sel : selections) {
    if (sel.range.end <= sel.range.begin) continue;
    const std::size_t first = index.line_of(sel.range.begin);
    const std::size_t last = index.line_of(sel.range.end - 1);
    if (first >= original_lines.size()) continue;
    const std::string_view before = original.substr(index.start_of(first), sel.range.begin - index.start_of(first));
    if (is_blank(before)) {
      remove_whole_line(original_lines, first, std::min(last, original_lines.size() - 1), comment_style, lines, removed);
    } else {
      remove_trailing(trim(original.substr(sel.range.begin, sel.range.end - sel.range.begin)), first, comment_style,
                      lines, removed);
    }
  }
  std::sort(removed.begin(), removed.end());
  return {removed.empty() ? std::string(edited) : lines.join(), std::move(removed)};
}

std::string consumed_markers_sentence(const std::vector<std::size_t>& lines) {
  if (lines.empty()) return "";
  std::string list;
  for (std::size_t line : lines) list += (list.empty() ? "" : ", ") + std::to_string(line);
  const bool one = lines.size() == 1;
  return "lamp removed " + std::to_string(lines.size()) + (one ? " marked comment" : " marked comments") +
         " the edit left in place (" + (one ? "line " : "lines ") + list + ").";
}

}  // namespace lamp::patch
