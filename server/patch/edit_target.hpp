// SPDX-License-Identifier: GPL-3.0-or-later
// EditTarget: the document being edited (its lines, where the selection sits), and the
// SEARCH/REPLACE core every applier builds on, with the repair ladder: exact ->
// whitespace-insensitive -> unmarked lines as additions -> split hunk.
#pragma once

#include "patch/edit_plan.hpp"
#include "patch/block_locator.hpp"
#include "patch/positions.hpp"
#include "patch/text_lines.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace lamp::patch {

// The document being edited and where the selection sits in it (line indices).
struct EditTarget {
  Lines lines;
  std::string eol;             // the terminator new lines get
  std::size_t sel_first = 0;   // first line the selection touches
  std::size_t sel_end = 0;     // one past its last line (== sel_first when empty)
  std::size_t insert_at = 0;   // where code "at the selection" is inserted
  KeyCache keys;

  EditTarget(std::string_view buffer, ByteRange selection);
  // Replaces lines [begin, end); replacement lines with an empty eol get `eol` later.
  void splice(std::size_t begin, std::size_t end, Lines replacement);
  // The text after the edits, with the original's final-newline state.
  std::string text(bool final_newline) const;
  // Indentation of the selection's first line (what inserted code is aligned to).
  std::string selection_indent() const;
};

// One SEARCH/REPLACE edit on the target (exposed for the region and hunk appliers). Matches
// must start at line >= from; on success *end_line (if given) is the line after the result.
std::optional<RepairFailure> apply_search_replace(EditTarget& target,
                                                  const std::vector<std::string>& search,
                                                  const std::vector<std::string>& replace,
                                                  const std::string& label, std::size_t from = 0,
                                                  std::size_t* end_line = nullptr);

// For a block with several "=======" lines (SearchReplace::splits): the split whose SEARCH part
// is found in the file exactly once; when several are, they must be readings of the same place
// (each SEARCH a prefix of the next) and the longest wins, as the lines it adds to SEARCH are the
// file's own. Anything else is ambiguous and fails, naming the candidates.
std::variant<std::size_t, RepairFailure> choose_split(EditTarget& target, const SearchReplace& block,
                                                      const std::string& label);

// Inserts `replace` right after the selection (an empty SEARCH, or lone added lines),
// indented to the selection's column when written further left.
std::optional<RepairFailure> insert_at_selection(EditTarget& target, const std::vector<std::string>& replace,
                                                 const std::string& label, std::size_t* end_line);

}  // namespace lamp::patch
