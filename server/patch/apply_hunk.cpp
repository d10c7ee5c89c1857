// SPDX-License-Identifier: GPL-3.0-or-later
// Unified-diff hunks located by content: as written, with lost '+' signs restored, then split
// into groups of changes whose misremembered outer context is dropped.
#include "patch/apply_hunk.hpp"

#include <algorithm>
#include <unordered_set>

namespace lamp::patch {
namespace {

bool all_blank(const std::vector<std::string>& lines) {
  return std::all_of(lines.begin(), lines.end(), [](const std::string& l) { return is_blank(l); });
}

using KeySet = std::unordered_set<std::string>;

struct HunkSides {
  std::vector<std::string> search;
  std::vector<std::string> replace;
};

// The hunk read the second way: lines without prefix are additions, and so are indented
// "context" lines the document does not contain (an indented line whose '+' was lost reads as
// context with one space less), when they sit between changes or resemble no line of the
// file; a misremembered context line at the edge of a hunk resembles the real one.
std::vector<HunkLine> with_lost_pluses(const std::vector<HunkLine>& lines, const Lines& doc,
                                       const KeySet& doc_keys) {
  auto resembles_the_file = [&](const std::string& text) {
    return std::any_of(doc.begin(), doc.end(), [&](const Line& l) { return similar_lines(l.text, text); });
  };
  auto changed = [](const HunkLine& l) { return l.kind == HunkLineKind::added || l.kind == HunkLineKind::removed; };
  std::vector<HunkLine> out = lines;
  for (std::size_t i = 0; i < out.size(); ++i) {
    HunkLine& line = out[i];
    if (line.kind == HunkLineKind::unmarked) {
      line.kind = HunkLineKind::added;
      continue;
    }
    if (line.kind != HunkLineKind::context || is_blank(line.text) || !is_space(line.text[0]) ||
        doc_keys.contains(squash_whitespace(line.text))) {
      continue;
    }
    const bool between_changes = std::any_of(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(i), changed) &&
                                 std::any_of(lines.begin() + static_cast<std::ptrdiff_t>(i) + 1, lines.end(), changed);
    if (between_changes || !resembles_the_file(line.text)) line = {HunkLineKind::added, " " + line.text};
  }
  return out;
}

HunkSides sides_of(const std::vector<HunkLine>& lines) {
  HunkSides out;
  for (const auto& line : lines) {
    if (line.kind != HunkLineKind::added) out.search.push_back(line.text);
    if (line.kind != HunkLineKind::removed) out.replace.push_back(line.text);
  }
  return out;
}

bool is_change(const HunkLine& line) {
  return line.kind == HunkLineKind::removed || line.kind == HunkLineKind::added;
}

// One group of changed lines with the context around it, for the split-hunk fallback.
struct Piece {
  std::vector<HunkLine> before, changes, after;
};

std::vector<Piece> split_hunk(const std::vector<HunkLine>& lines) {
  std::vector<Piece> pieces;
  std::vector<HunkLine> context;
  bool in_changes = false;
  for (const auto& line : lines) {
    if (is_change(line)) {
      if (!in_changes) {
        if (!pieces.empty()) pieces.back().after = context;
        pieces.push_back({context, {}, {}});
        context.clear();
        in_changes = true;
      }
      pieces.back().changes.push_back(line);
    } else {
      context.push_back(line);
      in_changes = false;
    }
  }
  if (!pieces.empty()) pieces.back().after = context;
  return pieces;
}

// Applies one piece, dropping its outermost context lines when they do not match (the model
// misremembered them), fewest dropped first.
std::optional<RepairFailure> apply_piece(EditTarget& t, const Piece& piece, const std::string& label,
                                         std::size_t& from) {
  std::optional<RepairFailure> first_failure;
  const std::size_t nb = piece.before.size();
  const std::size_t na = piece.after.size();
  for (std::size_t dropped = 0; dropped <= nb + na; ++dropped) {
    for (std::size_t front = 0; front <= std::min(dropped, nb); ++front) {
      const std::size_t back = dropped - front;
      if (back > na) continue;
      std::vector<HunkLine> lines(piece.before.begin() + static_cast<std::ptrdiff_t>(front), piece.before.end());
      lines.insert(lines.end(), piece.changes.begin(), piece.changes.end());
      lines.insert(lines.end(), piece.after.begin(), piece.after.end() - static_cast<std::ptrdiff_t>(back));
      HunkSides sides = sides_of(lines);
      if (all_blank(sides.search)) continue;
      EditTarget attempt = t;
      std::size_t end_line = 0;
      auto failure = apply_search_replace(attempt, sides.search, sides.replace, label, from, &end_line);
      if (!failure) {
        // Later pieces may share this piece's trailing context, so they search from its start.
        from = end_line - std::min(end_line, sides.replace.size());
        t = std::move(attempt);
        return std::nullopt;
      }
      if (!first_failure) first_failure = failure;
    }
  }
  if (!first_failure) {
    first_failure = RepairFailure{label + " only adds lines and has no context lines to tell where "
                                          "they go; include a few unchanged lines around them."};
  }
  return first_failure;
}

}  // namespace

std::optional<RepairFailure> apply_hunk(EditTarget& t, const DiffHunk& hunk, const std::string& label,
                                        bool sole_edit) {
  // The hunk as written, then with lost '+' signs restored (only if that reads differently).
  std::vector<std::vector<HunkLine>> readings = {hunk.lines};
  {
    KeySet doc_keys;
    for (const auto& line : t.lines) doc_keys.insert(squash_whitespace(line.text));
    auto second = with_lost_pluses(hunk.lines, t.lines, doc_keys);
    const bool differs = !std::equal(second.begin(), second.end(), hunk.lines.begin(), [](const HunkLine& a, const HunkLine& b) {
      return a.kind == b.kind || (a.kind == HunkLineKind::context && b.kind == HunkLineKind::unmarked);
    });
    if (differs) readings.push_back(std::move(second));
  }
  for (auto& reading : readings) {
    for (auto& line : reading) {
      if (line.kind == HunkLineKind::unmarked) line.kind = HunkLineKind::context;
    }
  }
  std::optional<RepairFailure> first_failure;
  // 1. The hunk as a whole.
  for (const auto& lines : readings) {
    HunkSides sides = sides_of(lines);
    if (all_blank(sides.search)) {
      // Only added lines: nothing to locate them by; a lone such hunk goes to the selection.
      if (!sole_edit) continue;
      return insert_at_selection(t, sides.replace, label, nullptr);
    }
    EditTarget attempt = t;
    auto failure = apply_search_replace(attempt, sides.search, sides.replace, label);
    if (!failure) {
      t = std::move(attempt);
      return std::nullopt;
    }
    if (!first_failure) first_failure = failure;
  }
  // 2. Split into one piece per group of changes, each located on its own, in order.
  for (const auto& lines : readings) {
    const auto pieces = split_hunk(lines);
    EditTarget attempt = t;
    std::size_t from = 0;
    bool ok = !pieces.empty();
    for (std::size_t i = 0; i < pieces.size() && ok; ++i) ok = !apply_piece(attempt, pieces[i], label, from);
    if (ok) {
      t = std::move(attempt);
      return std::nullopt;
    }
  }
  if (!first_failure) {
    first_failure = RepairFailure{label + " only adds lines and has no context lines to tell where "
                                          "they go; include a few unchanged lines around them."};
  }
  return first_failure;
}

}  // namespace lamp::patch
