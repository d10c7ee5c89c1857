// SPDX-License-Identifier: GPL-3.0-or-later
// Strict applier: no fuzz, no offset search, no whitespace leniency.
#include "patch/strict_apply.hpp"

#include <charconv>
#include <vector>

namespace lamp::patch {
namespace {

// Lines including their "\n" (the last one may lack it).
std::vector<std::string_view> raw_lines(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    out.push_back(text.substr(start, end - start));
    start = end;
  }
  return out;
}

struct Range {
  std::size_t start = 0;
  std::size_t count = 1;
};

std::size_t read_number(std::string_view& s) {
  std::size_t value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr == s.data()) throw PatchMismatch("bad number in hunk header");
  s.remove_prefix(static_cast<std::size_t>(ptr - s.data()));
  return value;
}

Range read_range(std::string_view& s, char sign) {
  if (s.empty() || s.front() != sign) throw PatchMismatch("bad hunk header");
  s.remove_prefix(1);
  Range r;
  r.start = read_number(s);
  if (!s.empty() && s.front() == ',') {
    s.remove_prefix(1);
    r.count = read_number(s);
  }
  return r;
}

}  // namespace

std::string apply_unified_diff(std::string_view original, std::string_view diff) {
  if (diff.empty()) return std::string(original);  // "no change"
  const auto old_lines = raw_lines(original);
  const auto patch = raw_lines(diff);
  if (patch.size() < 2 || !patch[0].starts_with("--- ") || !patch[1].starts_with("+++ ")) {
    throw PatchMismatch("missing ---/+++ headers");
  }
  std::string out;
  std::size_t pos = 0;       // next original line to copy
  std::size_t out_lines = 0;
  std::size_t i = 2;
  while (i < patch.size()) {
    std::string_view header = patch[i];
    if (!header.starts_with("@@ ") || !header.ends_with(" @@\n")) throw PatchMismatch("expected a hunk header at patch line " + std::to_string(i + 1));
    header.remove_prefix(3);
    const Range old_range = read_range(header, '-');
    if (header.empty() || header.front() != ' ') throw PatchMismatch("bad hunk header");
    header.remove_prefix(1);
    const Range new_range = read_range(header, '+');
    if (header != " @@\n") throw PatchMismatch("bad hunk header");
    ++i;

    std::vector<std::string> old_side, new_side;
    while (i < patch.size() && !patch[i].starts_with("@@ ")) {
      const std::string_view line = patch[i];
      if (line.empty() || (line[0] != ' ' && line[0] != '-' && line[0] != '+')) {
        throw PatchMismatch("unexpected line " + std::to_string(i + 1) + " in hunk");
      }
      std::string content(line.substr(1));
      if (!content.ends_with('\n')) throw PatchMismatch("patch does not end with a newline");
      if (i + 1 < patch.size() && patch[i + 1] == "\\ No newline at end of file\n") {
        content.pop_back();
        ++i;
      }
      if (line[0] != '+') old_side.push_back(content);
      if (line[0] != '-') new_side.push_back(std::move(content));
      ++i;
    }
    if (old_side.size() != old_range.count || new_side.size() != new_range.count) {
      throw PatchMismatch("hunk line counts do not match its header");
    }
    // With a count of 0 the start names the line the hunk follows.
    const std::size_t at = old_range.count == 0 ? old_range.start : old_range.start - 1;
    if (old_range.count > 0 && old_range.start == 0) throw PatchMismatch("hunk starts at line 0");
    if (at < pos || at + old_side.size() > old_lines.size()) throw PatchMismatch("hunk out of order or out of range");
    for (; pos < at; ++pos, ++out_lines) out += old_lines[pos];
    const std::size_t expected_new = new_range.count == 0 ? new_range.start : new_range.start - 1;
    if (expected_new != out_lines) throw PatchMismatch("hunk's new start does not follow from the old start");
    for (std::size_t k = 0; k < old_side.size(); ++k) {
      if (old_lines[at + k] != old_side[k]) {
        throw PatchMismatch("context mismatch at original line " + std::to_string(at + k + 1));
      }
    }
    pos = at + old_side.size();
    for (const auto& line : new_side) out += line;
    out_lines += new_side.size();
  }
  for (; pos < old_lines.size(); ++pos) out += old_lines[pos];
  return out;
}

}  // namespace lamp::patch
