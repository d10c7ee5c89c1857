// SPDX-License-Identifier: GPL-3.0-or-later
// Reads the unified diffs models write: wrong or missing @@ numbers, missing context, wrong
// file names, lines that lost their prefix. Numbers are kept only for messages.
#pragma once

#include "patch/edit_plan.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::patch {

struct ReadHunk {
  DiffHunk hunk;
  std::string header;  // the "@@ ... @@" line as written, or "" when there was none
};

struct FileDiff {
  std::string old_name;  // as written after "--- " (without a/ and timestamps), may be ""
  std::string new_name;  // as written after "+++ "
  std::vector<ReadHunk> hunks;
};

// True when the lines look like a unified diff (an @@ line, or "--- " followed by "+++ ").
bool looks_like_diff(const std::vector<std::string_view>& lines);

// Reads every file section and hunk from `lines` (a fenced diff or a whole reply). Lines that
// belong to no hunk (prose) are appended to *prose when given. `bounded` says the lines are
// the body of a fence, so a blank line cannot end a hunk.
std::vector<FileDiff> read_diff(const std::vector<std::string_view>& lines, bool bounded,
                                std::vector<std::string_view>* prose = nullptr);

// "a/src/x.py\t2024-01-01" -> "src/x.py"; "/dev/null" stays.
std::string clean_diff_name(std::string_view raw);

}  // namespace lamp::patch
