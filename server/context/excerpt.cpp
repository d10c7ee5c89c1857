// SPDX-License-Identifier: GPL-3.0-or-later
// excerpt: selections -> line windows (enclosing definition or +-N lines), merged, then the
// numbered lines and the notes for what lies between them.
#include "context/excerpt.hpp"

#include <algorithm>
#include <cstdint>

namespace lamp::context {
namespace {

struct Window {
  std::size_t first;  // 0-based line indices, inclusive
  std::size_t last;
};

// Start offset of every line; a final "\n" does not open another line.
std::vector<std::size_t> line_starts(std::string_view text) {
  std::vector<std::size_t> starts;
  if (text.empty()) return starts;
  starts.push_back(0);
  for (std::size_t i = 0; i + 1 < text.size(); ++i)
    if (text[i] == '\n') starts.push_back(i + 1);
  return starts;
}

std::size_t line_of(const std::vector<std::size_t>& starts, std::size_t offset) {
  const auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  return static_cast<std::size_t>(it - starts.begin()) - 1;
}

// The outermost definition around lines [first, last] that is not too long, if any.
const Tag* enclosing(const std::vector<Tag>& tags, std::size_t first, std::size_t last, std::size_t max_lines) {
  const Tag* best = nullptr;
  for (const auto& tag : tags) {
    if (tag.line == 0 || tag.end < tag.line || tag.line - 1 > first || tag.end - 1 < last) continue;
    if (tag.end - tag.line + 1 > max_lines) continue;
    if (!best || tag.end - tag.line > best->end - best->line) best = &tag;
  }
  return best;
}

std::string number(std::size_t n, std::size_t width) {
  std::string digits = std::to_string(n);
  return std::string(digits.size() < width ? width - digits.size() : 0, ' ') + digits;
}

// The outline tags to list: all of them, or the max_lines nearest to a shown window.
std::vector<const Tag*> listed_tags(const std::vector<Tag>* tags, const std::vector<Window>& windows, std::size_t max_lines) {
  std::vector<const Tag*> listed;
  if (!tags) return listed;
  auto distance = [&](const Tag* tag) {
    std::size_t best = SIZE_MAX;
    for (const auto& w : windows) {
      const std::size_t l = tag->line - 1;
      if (l >= w.first && l <= w.last) return SIZE_MAX;  // shown verbatim
      best = std::min(best, l < w.first ? w.first - l : l - w.last);
    }
    return best;
  };
  for (const auto& tag : *tags)
    if (tag.line > 0 && outline_depth(tag) >= 0 && (windows.empty() || distance(&tag) != SIZE_MAX)) listed.push_back(&tag);
  if (listed.size() > max_lines && !windows.empty()) {
    std::stable_sort(listed.begin(), listed.end(), [&](const Tag* a, const Tag* b) { return distance(a) < distance(b); });
    listed.resize(max_lines);
  } else if (listed.size() > max_lines) {
    listed.resize(max_lines);
  }
  std::stable_sort(listed.begin(), listed.end(), [](const Tag* a, const Tag* b) { return a->line < b->line; });
  return listed;
}

void omitted(std::string& out, std::size_t first, std::size_t last, const std::vector<Tag>* tags,
             const std::vector<const Tag*>& listed, std::size_t width) {
  const std::string range = first == last ? "line " + std::to_string(first + 1)
                                          : "lines " + std::to_string(first + 1) + "-" + std::to_string(last + 1);
  auto inside = [&](const Tag& tag) { return tag.line >= first + 1 && tag.line <= last + 1 && outline_depth(tag) >= 0; };
  std::vector<const Tag*> shown;
  for (const Tag* tag : listed)
    if (inside(*tag)) shown.push_back(tag);
  std::size_t all = 0;
  if (tags)
    for (const auto& tag : *tags) all += inside(tag) ? 1 : 0;
  if (shown.empty() && all == 0) {
    out += "... " + range + " omitted\n";
    return;
  }
  out += "... " + range + " omitted; definitions there:\n";
  for (const Tag* tag : shown) {
    out += "... " + number(tag->line, width) + ": " + std::string(2 * static_cast<std::size_t>(outline_depth(*tag)), ' ') +
           signature_line(*tag) + "\n";
  }
  if (all > shown.size()) out += "... and " + std::to_string(all - shown.size()) + " more definitions farther away\n";
}

}  // namespace

std::vector<ByteRange> definition_lines(std::string_view text, const std::vector<Tag>& tags,
                                        const std::unordered_set<std::string_view>& names) {
  const auto starts = line_starts(text);
  std::vector<ByteRange> out;
  for (const Tag& tag : tags) {
    if (outline_depth(tag) != 0 || !names.contains(tag.name) || tag.line == 0 || tag.line > starts.size()) continue;
    const std::size_t end = tag.line < starts.size() ? starts[tag.line] : text.size();
    out.push_back({starts[tag.line - 1], end});
  }
  std::sort(out.begin(), out.end(), [](const ByteRange& a, const ByteRange& b) { return a.begin < b.begin; });
  return out;
}

std::string excerpt(std::string_view text, const std::vector<ByteRange>& selections, const std::vector<Tag>* tags,
                    const ExcerptOptions& options) {
  const auto starts = line_starts(text);
  if (starts.empty()) return "";
  const std::size_t lines = starts.size();

  std::vector<Window> windows;
  for (const auto& selection : selections) {
    const std::size_t begin = std::min(selection.begin, text.size());
    const std::size_t end = std::clamp(selection.end, begin, text.size());
    const std::size_t first = line_of(starts, begin == text.size() ? begin - 1 : begin);
    const std::size_t last = end > begin ? line_of(starts, end - 1) : first;
    const Tag* around = tags ? enclosing(*tags, first, last, options.max_enclosing_lines) : nullptr;
    if (around) {
      const std::size_t from = around->line - 1, to = std::min(around->end - 1, lines - 1);
      windows.push_back({from - std::min(from, options.margin_lines), std::min(to + options.margin_lines, lines - 1)});
    } else {
      windows.push_back({first - std::min(first, options.context_lines), std::min(last + options.context_lines, lines - 1)});
    }
  }
  std::sort(windows.begin(), windows.end(), [](const Window& a, const Window& b) { return a.first < b.first; });
  std::vector<Window> merged;
  for (const auto& w : windows) {
    if (!merged.empty() && w.first <= merged.back().last + options.merge_gap_lines + 1)
      merged.back().last = std::max(merged.back().last, w.last);
    else
      merged.push_back(w);
  }

  const auto listed = listed_tags(tags, merged, options.max_outline_lines);
  const std::size_t width = std::to_string(lines).size();
  std::string out;
  std::size_t next = 0;  // first line not yet accounted for
  for (const auto& w : merged) {
    if (w.first > next) omitted(out, next, w.first - 1, tags, listed, width);
    for (std::size_t i = w.first; i <= w.last; ++i) {
      const std::size_t from = starts[i];
      std::size_t to = i + 1 < lines ? starts[i + 1] - 1 : text.size();
      if (i + 1 == lines && to > from && text[to - 1] == '\n') --to;
      out += number(i + 1, width);
      out += '\t';
      out.append(text.substr(from, to - from));
      out += '\n';
    }
    next = w.last + 1;
  }
  if (next < lines) omitted(out, next, lines - 1, tags, listed, width);
  return out;
}

}  // namespace lamp::context
