// SPDX-License-Identifier: GPL-3.0-or-later
// Builds the lines that replace a located block: unchanged lines are copied from the document
// verbatim, new lines are re-indented in the document's indentation style, and placeholder lines
// ("# ... existing code ...") are expanded to the code they stand for or rejected.
#pragma once

#include "patch/edit_plan.hpp"
#include "patch/indent_style.hpp"
#include "patch/text_lines.hpp"

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

namespace lamp::patch {

struct BlockReplacement {
  const Lines& doc;
  std::size_t begin = 0;  // document lines [begin, end) are replaced
  std::size_t end = 0;
  const std::vector<std::string>& search;      // the model's copy of those lines
  const std::vector<std::ptrdiff_t>& search_map;  // search line -> document line, or -1
  const std::vector<std::string>& replace;     // what the model wants instead
  IndentShift shift;     // for new lines when no neighbouring unchanged line gives one
  std::string label;
  // SEARCH/REPLACE: each new line is re-indented like its nearest unchanged neighbour (from
  // the model's search line to the document's). Code blocks: `shift` applies throughout.
  bool local_shifts = true;
};

// The new lines (new ones with an empty eol, to be assigned by the caller), or why the
// replacement would lose code.
std::variant<Lines, RepairFailure> merge_replacement(const BlockReplacement& block);

// True when the line is a placeholder (and not a line the document itself contains).
bool is_placeholder(const Lines& doc, std::string_view line);

// The shift that maps search line `j`'s indentation onto its document line's, for the first
// non-blank search line that has one.
IndentShift shift_for(const Lines& doc, const std::vector<std::string>& search,
                      const std::vector<std::ptrdiff_t>& search_map);

}  // namespace lamp::patch
