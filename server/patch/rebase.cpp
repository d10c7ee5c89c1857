// SPDX-License-Identifier: GPL-3.0-or-later
// Rebase of a diff: one git_merge_file of the whole proposal when nothing overlaps; otherwise hunk
// by hunk (the hunk applied to base → theirs, git_merge_file(base, current, theirs)), then one
// merge of the clean hunks together. The answer is verified with the strict applier.
#include "patch/rebase.hpp"

#include "patch/errors.hpp"
#include "patch/merge3.hpp"
#include "patch/strict_apply.hpp"
#include "patch/unified_diff.hpp"
#include "proto/utf8.hpp"

#include <algorithm>
#include <charconv>

namespace lamp::patch {
namespace {

struct Hunk {
  std::size_t old_start = 0;
  std::size_t old_lines = 1;
  std::size_t new_lines = 1;
  std::string body;  // the lines after the @@ header, verbatim
};

struct ParsedDiff {
  std::string headers;  // the "--- " and "+++ " lines
  std::vector<Hunk> hunks;
};

bool read_number(std::string_view& s, std::size_t& value) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr == s.data()) return false;
  s.remove_prefix(static_cast<std::size_t>(ptr - s.data()));
  return true;
}

// "-a[,b]" or "+c[,d]"; the count defaults to 1 as in diff(1).
bool read_range(std::string_view& s, char sign, std::size_t& start, std::size_t& count) {
  if (s.empty() || s.front() != sign) return false;
  s.remove_prefix(1);
  if (!read_number(s, start)) return false;
  count = 1;
  if (!s.empty() && s.front() == ',') {
    s.remove_prefix(1);
    if (!read_number(s, count)) return false;
  }
  return true;
}

ParsedDiff parse_diff(std::string_view diff) {
  ParsedDiff parsed;
  std::size_t pos = 0;
  std::size_t line_no = 0;
  auto next_line = [&]() {
    const std::size_t nl = diff.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? diff.size() : nl + 1;
    const std::string_view line = diff.substr(pos, end - pos);
    pos = end;
    ++line_no;
    return line;
  };
  const std::string_view minus = next_line();
  const std::string_view plus = next_line();
  if (!minus.starts_with("--- ") || !plus.starts_with("+++ ") || !plus.ends_with('\n')) {
    throw InvalidRequest("patch: expected a unified diff starting with \"--- \" and \"+++ \" lines");
  }
  parsed.headers = std::string(minus) + std::string(plus);
  while (pos < diff.size()) {
    const std::string_view line = next_line();
    if (line.starts_with("@@ ")) {
      std::string_view rest = line.substr(3);
      Hunk hunk;
      std::size_t new_start = 0;
      if (!read_range(rest, '-', hunk.old_start, hunk.old_lines) || !rest.starts_with(' ') ||
          !(rest.remove_prefix(1), read_range(rest, '+', new_start, hunk.new_lines)) || rest != " @@\n") {
        throw InvalidRequest("patch: bad hunk header at line " + std::to_string(line_no));
      }
      parsed.hunks.push_back(std::move(hunk));
    } else if (parsed.hunks.empty()) {
      throw InvalidRequest("patch: expected a hunk header (\"@@ \") at line " + std::to_string(line_no));
    } else {
      parsed.hunks.back().body += line;
    }
  }
  if (parsed.hunks.empty()) throw InvalidRequest("patch: the diff has no hunk");
  return parsed;
}

std::string range_text(std::size_t start, std::size_t count) {
  return count == 1 ? std::to_string(start) : std::to_string(start) + "," + std::to_string(count);
}

// `which` (indices into parsed.hunks, ascending) as one diff against base, "+c" recomputed.
std::string diff_of(const ParsedDiff& parsed, const std::vector<std::size_t>& which) {
  if (which.empty()) return "";
  std::string out = parsed.headers;
  std::ptrdiff_t delta = 0;
  for (const std::size_t k : which) {
    const Hunk& h = parsed.hunks[k];
    // With a count of 0 the start names the line the hunk follows (docs/patch-format.md).
    const std::size_t at = h.old_lines == 0 ? h.old_start : h.old_start - 1;
    const auto new_at = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(at) + delta);
    const std::size_t new_start = h.new_lines == 0 ? new_at : new_at + 1;
    out += "@@ -" + range_text(h.old_start, h.old_lines) + " +" + range_text(new_start, h.new_lines) + " @@\n";
    out += h.body;
    delta += static_cast<std::ptrdiff_t>(h.new_lines) - static_cast<std::ptrdiff_t>(h.old_lines);
  }
  return out;
}

std::string apply_to_base(std::string_view base, const std::string& diff, const std::string& what) {
  try {
    return apply_unified_diff(base, diff);
  } catch (const PatchMismatch& e) {
    throw InvalidRequest("patch: " + what + " does not apply to base_text (" + e.what() + ")");
  }
}

std::string conflict_message(std::size_t hunk, const Hunk& h) {
  return "hunk " + std::to_string(hunk + 1) + " (line " + std::to_string(h.old_start) +
         " of base_text) changes lines that current_text also changed";
}

// The answer for `merged`: a diff of current with the input's own ---/+++ lines, verified.
RebaseResult finish(const ParsedDiff& parsed, std::string_view current, std::string merged, RebaseResult result) {
  result.merged = std::move(merged);
  if (result.merged != current) {
    // unified_diff writes "--- a/REL\n+++ b/REL\n"; the caller gets its own two lines back.
    const std::string fresh = unified_diff(current, result.merged, "file");
    const std::size_t body = fresh.find('\n', fresh.find('\n') + 1) + 1;
    result.patch = parsed.headers + fresh.substr(body);
    std::string check;
    try {
      check = apply_unified_diff(current, result.patch);
    } catch (const PatchMismatch& e) {
      throw EngineFailure(std::string("the rebased diff does not apply to current_text: ") + e.what());
    }
    if (check != result.merged) throw EngineFailure("the rebased diff does not reproduce the merged text");
  }
  return result;
}

}  // namespace

RebaseResult rebase_diff(std::string_view base, std::string_view current, std::string_view diff) {
  if (!proto::valid_utf8(base)) throw InvalidRequest("base_text is not valid UTF-8");
  if (!proto::valid_utf8(current)) throw InvalidRequest("current_text is not valid UTF-8");
  if (!proto::valid_utf8(diff)) throw InvalidRequest("patch is not valid UTF-8");
  RebaseResult result;
  if (diff.empty()) {
    result.merged = std::string(current);
    return result;
  }
  const ParsedDiff parsed = parse_diff(diff);
  std::vector<std::size_t> all(parsed.hunks.size());
  for (std::size_t k = 0; k < all.size(); ++k) all[k] = k;
  // Also checks order, overlap and every context line of the whole diff.
  const std::string theirs_all = apply_to_base(base, diff_of(parsed, all), "the diff");
  // The common case first: nothing overlaps, one merge of the whole proposal (git merge-file's).
  MergeOutcome whole = merge_three_way(base, current, theirs_all);
  if (whole.clean) return finish(parsed, current, std::move(whole.text), std::move(result));

  // Each hunk alone: the verdict the caller gets for it.
  std::vector<std::size_t> clean;
  for (std::size_t k = 0; k < parsed.hunks.size(); ++k) {
    const std::string theirs = apply_to_base(base, diff_of(parsed, {k}), "hunk " + std::to_string(k + 1));
    if (merge_three_way(base, current, theirs).clean) {
      clean.push_back(k);
    } else {
      result.conflicts.push_back({k, parsed.hunks[k].old_start, parsed.hunks[k].old_lines,
                                  conflict_message(k, parsed.hunks[k])});
    }
  }
  // The clean hunks together. Hunks of one diff are apart in base, so this is clean whenever
  // each was; if not, keep them one at a time in order and report the rest.
  MergeOutcome merged = merge_three_way(base, current, apply_to_base(base, diff_of(parsed, clean), "the diff"));
  if (!merged.clean) {
    std::vector<std::size_t> kept;
    merged = MergeOutcome{true, std::string(current)};
    for (const std::size_t k : clean) {
      auto trial = kept;
      trial.push_back(k);
      MergeOutcome attempt = merge_three_way(base, current, apply_to_base(base, diff_of(parsed, trial), "the diff"));
      if (attempt.clean) {
        kept = std::move(trial);
        merged = std::move(attempt);
      } else {
        result.conflicts.push_back({k, parsed.hunks[k].old_start, parsed.hunks[k].old_lines,
                                    conflict_message(k, parsed.hunks[k]) + " once merged with the other hunks"});
      }
    }
    std::sort(result.conflicts.begin(), result.conflicts.end(),
              [](const RebaseConflict& a, const RebaseConflict& b) { return a.hunk < b.hunk; });
  }
  return finish(parsed, current, std::move(merged.text), std::move(result));
}

}  // namespace lamp::patch
