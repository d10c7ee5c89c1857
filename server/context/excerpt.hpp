// SPDX-License-Identifier: GPL-3.0-or-later
// excerpt: what the model sees of a file too large to send whole: the lines around each
// selection verbatim, numbered, and an outline (or the line ranges) of everything left out.
#pragma once

#include "context/tag.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace lamp::context {

// The excerpt format, one output line per line:
//  - A line of the file: its 1-based number right-aligned to the width of the file's last line
//    number, one TAB, then the line exactly as in the file without its "\n" (a CRLF file's "\r"
//    stays). Removing everything up to and including the first TAB gives the file's line back.
//  - Anything else is not in the file and starts with "...":
//      ... lines 81-4799 omitted; definitions there:
//      ...   120: def foo(x)
//      ...   260:   def method(self)        (a method: indented under its class)
//      ... and 1840 more definitions farther away   (past max_outline_lines)
//      ... lines 4900-5000 omitted           (no definitions there, or no tags)
// Example (a 5000-line file):
//      ... lines 1-96 omitted; definitions there:
//      ...    12: def setup()
//        97	def target(x):
//        98	    return x + 1
//      ... lines 99-5000 omitted
inline constexpr std::string_view kExcerptFormatNote =
    "The file is shown as an excerpt. Lines starting with a line number and a TAB are the file's "
    "lines verbatim: SEARCH text must be copied from them without the number and the TAB. Lines "
    "starting with \"...\" are not in the file; they list what was left out.";

struct ByteRange {
  std::size_t begin = 0;  // half-open [begin, end) in the text given to excerpt()
  std::size_t end = 0;
};

struct ExcerptOptions {
  std::size_t context_lines = 80;          // each side of a selection without an enclosing definition
  std::size_t max_enclosing_lines = 400;   // a larger enclosing definition falls back to context_lines
  std::size_t margin_lines = 3;            // around an enclosing definition (decorators, comments)
  std::size_t merge_gap_lines = 3;         // windows closer than this become one
  std::size_t max_outline_lines = 120;     // definitions listed in all, the nearest to a window first
};

// The first line of each top-level definition of `text` (from `tags`) whose name is in `names`,
// as byte ranges in ascending order: what an excerpt of a file without a selection keeps
// (excerpt() widens each to its whole definition).
std::vector<ByteRange> definition_lines(std::string_view text, const std::vector<Tag>& tags,
                                        const std::unordered_set<std::string_view>& names);

// The excerpt of `text` around `selections`. `tags` (e.g. from CtagsTool::tags_of_text, may be
// null) give each selection its enclosing definition (the outermost one, with a known end line,
// of at most max_enclosing_lines lines) and the outline of the omitted lines (at most
// max_outline_lines definitions, those nearest to a shown line first); without tags, or
// when no definition encloses a selection, the window is context_lines lines either side.
// Overlapping windows merge. Only whole lines are shown; an empty text gives "". Never throws
// for any text or range (ranges are clamped to the text).
std::string excerpt(std::string_view text, const std::vector<ByteRange>& selections, const std::vector<Tag>* tags,
                    const ExcerptOptions& options = {});

}  // namespace lamp::context
