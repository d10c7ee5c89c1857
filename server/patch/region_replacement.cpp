// SPDX-License-Identifier: GPL-3.0-or-later
// Region replacement: find where a bare code block starts and ends in the file, then merge.
#include "patch/region_replacement.hpp"

#include "patch/line_alignment.hpp"
#include "patch/replacement_merge.hpp"

#include <algorithm>
#include <unordered_map>

namespace lamp::patch {
namespace {

struct Anchor {
  std::size_t line = 0;  // document line matching the block's first (or last) line
  std::size_t run = 0;   // how many consecutive lines match from there (inwards)
};

// The unique candidate with the longest run, or nullopt (none, or a tie: never guess).
std::optional<Anchor> best_anchor(const std::vector<Anchor>& candidates) {
  std::optional<Anchor> best;
  bool tie = false;
  for (const Anchor& a : candidates) {
    if (!best || a.run > best->run) {
      best = a;
      tie = false;
    } else if (a.run == best->run) {
      tie = true;
    }
  }
  return tie ? std::nullopt : best;
}

bool substantial(const std::string& key) {
  return std::count_if(key.begin(), key.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  static_cast<unsigned char>(c) >= 0x80;
         }) >= 3;
}

std::string lines_label(std::size_t first, std::size_t last) {
  return first == last ? "line " + std::to_string(first + 1)
                       : "lines " + std::to_string(first + 1) + "-" + std::to_string(last + 1);
}

void strip_blank_ends(std::vector<std::string>& lines) {
  while (!lines.empty() && is_blank(lines.back())) lines.pop_back();
  auto first = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return !is_blank(l); });
  lines.erase(lines.begin(), first);
}

}  // namespace

std::optional<RepairFailure> apply_region(EditTarget& t, const RegionReplacement& region,
                                          const std::string& label) {
  std::vector<std::string> block = region.lines;
  strip_blank_ends(block);
  if (block.empty()) return RepairFailure{label + " is empty."};
  // Placeholders at either end stand for code outside the replaced part, which is kept.
  while (!block.empty() && is_placeholder(t.lines, block.front())) {
    block.erase(block.begin());
    strip_blank_ends(block);
  }
  while (!block.empty() && is_placeholder(t.lines, block.back())) {
    block.pop_back();
    strip_blank_ends(block);
  }
  if (block.empty()) return RepairFailure{label + " holds only placeholder comments, no code."};

  const auto& doc_keys = t.keys.keys(t.lines, MatchLevel::whitespace);
  std::vector<std::string> keys;
  for (const auto& line : block) keys.push_back(squash_whitespace(line));
  const std::size_t n = t.lines.size();
  const std::size_t m = block.size();
  std::size_t s = t.sel_first;
  std::size_t e = t.sel_end;
  if (s == e) s = e = t.insert_at;

  std::vector<Anchor> heads;
  for (std::size_t i = 0; i < n && i <= s; ++i) {
    if (doc_keys[i] != keys.front()) continue;
    std::size_t run = 0;
    while (run < m && i + run < n && doc_keys[i + run] == keys[run]) ++run;
    heads.push_back({i, run});
  }
  std::vector<Anchor> tails;
  for (std::size_t j = e == 0 ? 0 : e - 1; j < n; ++j) {
    if (doc_keys[j] != keys.back()) continue;
    std::size_t run = 0;
    while (run < m && run <= j && doc_keys[j - run] == keys[m - 1 - run]) ++run;
    tails.push_back({j, run});
  }
  auto head = best_anchor(heads);
  auto tail = best_anchor(tails);

  // A run that stops at a placeholder continues, in effect, past it: the placeholder keeps
  // the lines it skips, so nothing between the anchor and the selection is lost.
  auto head_covers = [&](const Anchor& a) {
    return a.line + a.run >= s || (a.run < m && is_placeholder(t.lines, block[a.run]));
  };
  auto tail_covers = [&](const Anchor& a) {
    return a.line + 1 <= e + a.run || (a.run < m && is_placeholder(t.lines, block[m - 1 - a.run]));
  };
  std::size_t begin = s;
  std::size_t end = e;
  bool anchored_head = false;
  bool anchored_tail = false;
  if (head && tail && head->line <= tail->line && (m > 1 || head->line == tail->line)) {
    begin = std::min(head->line, s);
    end = std::max(tail->line + 1, e);
    anchored_head = anchored_tail = true;
  } else if (head && head_covers(*head)) {
    begin = head->line;
    end = std::max(e, head->line + head->run);
    anchored_head = true;
  } else if (tail && tail_covers(*tail)) {
    begin = std::min(s, tail->line + 1 - tail->run);
    end = tail->line + 1;
    anchored_tail = true;
  }
  if (!region.fenced && !(anchored_head && anchored_tail)) {
    return RepairFailure{"The reply contains no edit: no SEARCH/REPLACE block, diff or code block was "
                         "found."};
  }
  std::vector<std::string> search;
  std::vector<std::string> search_keys;
  std::vector<std::ptrdiff_t> search_map;
  for (std::size_t i = begin; i < end; ++i) {
    search.push_back(t.lines[i].text);
    search_keys.push_back(doc_keys[i]);
    search_map.push_back(static_cast<std::ptrdiff_t>(i));
  }
  const auto aligned = align_lines(search_keys, keys);
  if (!aligned) return RepairFailure{label + " is too large to compare with the file; use SEARCH/REPLACE blocks."};

  // Guard 1: lines of the file outside the selection that the block silently drops.
  std::vector<bool> kept(end - begin, false);
  for (std::ptrdiff_t a : *aligned) {
    if (a >= 0) kept[static_cast<std::size_t>(a)] = true;
  }
  std::size_t dropped = 0;
  for (std::size_t i = begin; i < end; ++i) {
    if (!kept[i - begin] && (i < t.sel_first || i >= t.sel_end) && !is_blank(t.lines[i].text)) ++dropped;
  }
  if (dropped > 20 && dropped > m) {
    return RepairFailure{label + " would replace " + lines_label(begin, end - 1) + " of the file and drop " +
                         std::to_string(dropped) + " of those lines. If that is not intended, send "
                         "SEARCH/REPLACE blocks for just the lines that change."};
  }
  // Guard 2: new lines that repeat code lying outside the replaced part (a block that starts
  // or ends earlier/later than anything we could anchor).
  std::unordered_map<std::string_view, std::vector<std::size_t>> outside;
  for (std::size_t i = 0; i < n; ++i) {
    if ((i < begin || i >= end) && substantial(doc_keys[i])) outside[doc_keys[i]].push_back(i);
  }
  for (std::size_t k = 0; k + 2 < m; ++k) {
    if ((*aligned)[k] >= 0 || (*aligned)[k + 1] >= 0 || (*aligned)[k + 2] >= 0) continue;
    auto it = outside.find(keys[k]);
    if (it == outside.end()) continue;
    for (std::size_t p : it->second) {
      if (p + 2 < n && (p + 1 < begin || p + 1 >= end) && (p + 2 < begin || p + 2 >= end) &&
          doc_keys[p + 1] == keys[k + 1] && doc_keys[p + 2] == keys[k + 2] && substantial(keys[k + 1])) {
        return RepairFailure{label + " repeats " + lines_label(p, p + 2) + " of the file, which lie outside "
                             "the part it replaces (" + (begin < end ? lines_label(begin, end - 1)
                                                                      : "an insertion at line " + std::to_string(begin + 1)) +
                             "), so applying it would duplicate code. Send SEARCH/REPLACE blocks instead."};
      }
    }
  }

  IndentShift shift;
  for (std::size_t k = 0; k < m; ++k) {
    if ((*aligned)[k] < 0 || is_blank(block[k])) continue;
    shift = {std::string(leading_whitespace(block[k])),
             std::string(leading_whitespace(search[static_cast<std::size_t>((*aligned)[k])]))};
    break;
  }
  if (!anchored_head && !anchored_tail && std::none_of(aligned->begin(), aligned->end(), [](auto a) { return a >= 0; })) {
    std::string have;
    for (const auto& line : block) {
      if (!is_blank(line)) {
        have = std::string(leading_whitespace(line));
        break;
      }
    }
    const std::string want = t.selection_indent();
    if (indent_columns(have) < indent_columns(want)) shift = {have, want};
  }
  auto built = merge_replacement({t.lines, begin, end, search, search_map, block, shift, label, false});
  if (auto* failure = std::get_if<RepairFailure>(&built)) return *failure;
  t.splice(begin, end, std::move(std::get<Lines>(built)));
  return std::nullopt;
}

}  // namespace lamp::patch
