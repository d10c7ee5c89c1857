// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: apply hand-made edits to a buffer with a selected piece of text.
#pragma once

#include "patch/apply_edits.hpp"
#include "patch/text_lines.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lamp::patch::testing {

inline ByteRange range_of(const std::string& buffer, std::string_view selected) {
  const std::size_t at = selected.empty() ? 0 : buffer.find(selected);
  EXPECT_NE(at, std::string::npos) << selected;
  return {at, at + selected.size()};
}

inline Edit sr_edit(std::string_view search, std::string_view replace, std::string label = "block 1") {
  return {SearchReplace{split_content_copy(search), split_content_copy(replace), {}}, std::move(label), ""};
}

inline Edit hunk_edit(std::string_view body, std::string label = "hunk 1") {
  DiffHunk hunk;
  for (std::string_view line : split_content(body)) {
    if (line.empty()) {
      hunk.lines.push_back({HunkLineKind::context, ""});
      continue;
    }
    const char c = line[0];
    const std::string rest(line.substr(1));
    if (c == ' ') hunk.lines.push_back({HunkLineKind::context, rest});
    else if (c == '-') hunk.lines.push_back({HunkLineKind::removed, rest});
    else if (c == '+') hunk.lines.push_back({HunkLineKind::added, rest});
    else hunk.lines.push_back({HunkLineKind::unmarked, std::string(line)});
  }
  return {std::move(hunk), std::move(label), ""};
}

inline Edit region_edit(std::string_view code, bool fenced = true) {
  return {RegionReplacement{split_content_copy(code), fenced}, "the code block", ""};
}

// The edited text, or "FAILURE: <description>".
inline std::string apply(const std::string& buffer, std::string_view selected, std::vector<Edit> edits) {
  auto result = apply_edits(buffer, range_of(buffer, selected), edits);
  if (auto* failure = std::get_if<RepairFailure>(&result)) return "FAILURE: " + failure->description;
  return std::get<std::string>(result);
}

inline bool failed(const std::string& result) { return result.starts_with("FAILURE: "); }

}  // namespace lamp::patch::testing
