// SPDX-License-Identifier: GPL-3.0-or-later
// Finds a block of lines in the document by content (never by line number), from the
// strictest comparison to the loosest, and describes near misses for the retry prompt.
#pragma once

#include "patch/text_lines.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace lamp::patch {

enum class MatchLevel {
  exact,                // byte-identical lines
  trailing_whitespace,  // ignoring trailing blanks
  whitespace,           // ignoring indentation and inner runs of blanks
  blank_lines,          // as `whitespace`, and blank lines on either side are skipped
};

struct Match {
  std::size_t begin = 0;  // document lines [begin, end) are covered
  std::size_t end = 0;
  // For each needle line, the document line it matched, or -1 (a blank needle line skipped
  // at the blank_lines level).
  std::vector<std::ptrdiff_t> map;
};

struct Located {
  std::vector<Match> matches;  // every match at `level`; empty when nothing matched
  MatchLevel level = MatchLevel::exact;
};

// Comparison keys of a document's lines per level, computed on first use. Must be reset
// (or rebuilt) whenever the document changes.
class KeyCache {
 public:
  const std::vector<std::string>& keys(const Lines& doc, MatchLevel level);
  void reset() { *this = KeyCache{}; }

 private:
  std::vector<std::string> exact_, trailing_, squashed_;
  bool have_exact_ = false, have_trailing_ = false, have_squashed_ = false;
};

// Tries each level in order and returns all matches of the first level that has any.
// Only matches starting at line >= `from` are considered. `needle` must hold a non-blank line.
Located locate(const Lines& doc, const std::vector<std::string>& needle, std::size_t from,
               KeyCache& cache);

// "line 4", "lines 4, 20 and 37" (1-based).
std::string describe_lines(const std::vector<Match>& matches);

// The part of the document that shares the most lines with `needle` (by position votes),
// quoted with its line numbers, or "" when nothing is similar.
std::string describe_closest(const Lines& doc, const std::vector<std::string>& needle);

const char* level_name(MatchLevel level);

}  // namespace lamp::patch
