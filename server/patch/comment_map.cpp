// SPDX-License-Identifier: GPL-3.0-or-later
// Hunk attribution by the old-side lines each hunk removes or inserts at, read from the diff's
// own @@ headers (the diff is lamp's, so its numbers are exact).
#include "patch/comment_map.hpp"

#include "patch/diff_reader.hpp"
#include "patch/reply_syntax.hpp"
#include "patch/text_lines.hpp"

#include <algorithm>
#include <charconv>

namespace lamp::patch {
namespace {

// Where a hunk touches the original: lines it removes, and the lines after which it inserts.
struct HunkTouch {
  std::vector<std::size_t> removed;        // 1-based old lines
  std::vector<std::size_t> inserted_after; // 1-based old lines (0: before the first line)
};

// "@@ -a,b +c,d @@" -> the first old line the hunk covers (a, or a + 1 when b is 0).
std::size_t old_start(std::string_view header) {
  const auto minus = header.find('-');
  if (minus == std::string_view::npos) return 1;
  std::size_t start = 0;
  const char* begin = header.data() + minus + 1;
  const char* end = header.data() + header.size();
  auto [after, error] = std::from_chars(begin, end, start);
  if (error != std::errc()) return 1;
  std::size_t count = 1;
  if (after < end && *after == ',') std::from_chars(after + 1, end, count);
  return count == 0 ? start + 1 : start;
}

std::vector<HunkTouch> touches_of(std::string_view diff) {
  std::vector<HunkTouch> out;
  for (const FileDiff& file : read_diff(split_content(diff), /*bounded=*/true)) {
    for (const ReadHunk& hunk : file.hunks) {
      HunkTouch touch;
      std::size_t old_line = old_start(hunk.header);
      for (const HunkLine& line : hunk.hunk.lines) {
        switch (line.kind) {
          case HunkLineKind::removed: touch.removed.push_back(old_line++); break;
          case HunkLineKind::added: touch.inserted_after.push_back(old_line - 1); break;
          default: ++old_line; break;
        }
      }
      out.push_back(std::move(touch));
    }
  }
  return out;
}

bool answers(const HunkTouch& touch, std::size_t first, std::size_t last) {
  auto in = [&](std::size_t l) { return l >= first && l <= last; };
  return std::any_of(touch.removed.begin(), touch.removed.end(), in) ||
         std::any_of(touch.inserted_after.begin(), touch.inserted_after.end(), in);
}

// The model's per-comment lines, by 0-based comment index ("" where it wrote none).
std::vector<std::optional<std::string_view>> notes_of(std::string_view rationale, std::size_t count) {
  std::vector<std::optional<std::string_view>> notes(count);
  for (std::string_view l : split_content(rationale)) {
    const auto numbered = comment_line(l);
    if (!numbered || numbered->number == 0 || numbered->number > count) continue;
    auto& note = notes[numbered->number - 1];
    const std::string_view said = trim(numbered->text);
    if (!note && !said.empty()) note = said;
  }
  return notes;
}

}  // namespace

std::vector<CommentSelection> answered_selections(const PatchRequest& req, std::string_view rationale) {
  if (!req.several) return req.selections;
  const auto notes = notes_of(rationale, req.selections.size());
  if (std::none_of(notes.begin(), notes.end(), [](const auto& n) { return n.has_value(); })) return req.selections;
  std::vector<CommentSelection> out;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    if (notes[i] && !no_change_reason(*notes[i])) out.push_back(req.selections[i]);
  }
  return out;
}

std::vector<CommentAnswer> map_comments(const PatchRequest& req, std::string_view diff, std::string_view rationale) {
  const std::vector<HunkTouch> touches = touches_of(diff);
  const std::string_view text = req.buffer_text;
  std::vector<CommentAnswer> out;
  std::size_t line = 1;
  std::size_t counted = 0;
  for (std::size_t i = 0; i < req.selections.size(); ++i) {
    const ByteRange range = req.selections[i].range;
    line += static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted),
                                                text.begin() + static_cast<std::ptrdiff_t>(range.begin), '\n'));
    counted = range.begin;
    const std::size_t stop = range.end > range.begin ? range.end - 1 : range.begin;  // the last byte
    const std::size_t last = line + static_cast<std::size_t>(std::count(
                                        text.begin() + static_cast<std::ptrdiff_t>(range.begin),
                                        text.begin() + static_cast<std::ptrdiff_t>(stop), '\n'));
    CommentAnswer answer{i, {}, std::nullopt};
    for (std::size_t h = 0; h < touches.size(); ++h) {
      if (answers(touches[h], line, last)) answer.hunks.push_back(h);
    }
    out.push_back(std::move(answer));
  }
  const auto notes = notes_of(rationale, out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (notes[i]) out[i].note = std::string(*notes[i]);
  }
  return out;
}

}  // namespace lamp::patch
