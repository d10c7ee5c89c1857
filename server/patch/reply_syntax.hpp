// SPDX-License-Identifier: GPL-3.0-or-later
// The line-level syntax of model replies: fences, SEARCH/REPLACE markers, file-name lines,
// "NO CHANGE" lines, and the SEARCH/REPLACE block reader.
#pragma once

#include "patch/edit_plan.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lamp::patch {

using Views = std::vector<std::string_view>;

struct Fence {
  std::size_t open = 0;   // line of the opening ``` (body starts after it)
  std::size_t close = 0;  // line of the closing ``` or lines.size() when unclosed
  std::string info;       // lower-cased first word of the info string
};

// Markdown fences (``` or ~~~, any length, closed by a run at least as long).
std::vector<Fence> find_fences(const Views& lines);
bool is_fence_line(std::string_view line);

enum class Marker { none, search, divider, replace };
// "<<<<<<< SEARCH" (also ORIGINAL/FIND, and Cline's "------- SEARCH"), "=======",
// ">>>>>>> REPLACE" (also UPDATED, and "+++++++ REPLACE"); 5 to 9 marker characters.
Marker marker_of(std::string_view line);

// "**src/app.py**", "`app.py`:", "### app.py": a line that only names the file.
bool is_file_name_line(std::string_view line, const ReplyContext& context);

// A reply to several comments opens with one line per comment (docs/protocol.md): "1: text",
// "2. text", "Comment 3: text", "**1:** text". The number and the text after it.
struct CommentLine {
  std::size_t number = 0;  // 1-based, as the prompt numbers the comments
  std::string_view text;
};
std::optional<CommentLine> comment_line(std::string_view line);

// The reason after "NO CHANGE:" (or "No changes needed", ...), or nullopt. A comment line's
// number may come first: "2: NO CHANGE: why".
std::optional<std::string> no_change_reason(std::string_view line);

std::vector<std::string> copy_lines(const Views& lines, std::size_t from, std::size_t to);

struct SearchReplaceReply {
  std::vector<Edit> edits;
  std::vector<std::string> prose;  // lines outside the blocks (fences and file names dropped)
};

// Reads every SEARCH/REPLACE block. Fails on a block without its ======= line or cut off
// before >>>>>>> REPLACE (unless a closing fence ends it). A block with several ======= lines
// keeps every split (SearchReplace::splits). When the reply spells SEARCH and REPLACE out,
// "<<<<<<< HEAD" and a bare ">>>>>>>" are content (a file with a merge conflict), not markers.
std::variant<SearchReplaceReply, RepairFailure> parse_search_replace(const Views& lines,
                                                                   const ReplyContext& context);

}  // namespace lamp::patch
