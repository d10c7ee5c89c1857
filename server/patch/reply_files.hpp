// SPDX-License-Identifier: GPL-3.0-or-later
// Which file a reply's edit is for (docs/patch-format.md, Several files): the path line before
// a SEARCH/REPLACE block, or a diff section's file name, matched against the files sent.
#pragma once

#include "patch/edit_plan.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace lamp::patch {

// The line without the markup models put around a file name: "**src/a.py**", "`a.py`:",
// "### a.py", "File: a.py", "a.py (new)" keep only "src/a.py" / "a.py".
std::string_view file_name_text(std::string_view line);

// The file `name` refers to: "" for the request's own file, a path of context.files for
// another file, nullopt when it names none of them. A name matches a path exactly, as a
// "/"-suffix of it ("a/b.py" for "src/a/b.py") or the other way round (a name with the project
// directory in front), or by base name when that base name is unique among the files.
std::optional<std::string> file_of_name(std::string_view name, const ReplyContext& context);

// file_of_name for a line that only names a file (after file_name_text).
std::optional<std::string> file_of_line(std::string_view line, const ReplyContext& context);

// A line that reads as a file path and nothing else ("lib/x.c", "setup.py"): no spaces, and a
// last component with a stem and an extension that has a letter ("v2.0" and "e.g." do not).
bool looks_like_path(std::string_view line);

}  // namespace lamp::patch
