// SPDX-License-Identifier: GPL-3.0-or-later
// Unified diff generation on top of git_patch_from_buffers, with RAII for libgit2 objects.
#include "patch/unified_diff.hpp"

#include "patch/errors.hpp"
#include "patch/libgit2_runtime.hpp"

#include <git2.h>

#include <algorithm>
#include <memory>

namespace lamp::patch {
namespace {

struct PatchFree {
  void operator()(git_patch* patch) const { git_patch_free(patch); }
};
using PatchPtr = std::unique_ptr<git_patch, PatchFree>;

[[noreturn]] void fail(const char* what) { fail_libgit2(what); }

std::uint32_t flags_for(const DiffOptions& options) {
  std::uint32_t flags = GIT_DIFF_FORCE_TEXT;
  if (options.indent_heuristic) flags |= GIT_DIFF_INDENT_HEURISTIC;
  switch (options.algorithm) {
    case DiffOptions::Algorithm::myers: break;
    case DiffOptions::Algorithm::minimal: flags |= GIT_DIFF_MINIMAL; break;
    case DiffOptions::Algorithm::patience: flags |= GIT_DIFF_PATIENCE; break;
    case DiffOptions::Algorithm::histogram: flags |= GIT_DIFF_PATIENCE; break;  // libgit2 1.5 has no histogram
  }
  return flags;
}

// Identical lines kept on each side of the changed middle, so xdiff sees the neighbourhood
// it needs for context lines, hunk merging and sliding change groups as on the whole file.
constexpr std::size_t kMarginLines = 100;

// The byte ranges [begin, end_a) / [begin, end_b) that contain every difference, cut at line
// boundaries, plus the number of lines before them.
struct Middle {
  std::size_t begin = 0;
  std::size_t end_a = 0;
  std::size_t end_b = 0;
  std::size_t lines_before = 0;
};

Middle changed_middle(std::string_view a, std::string_view b) {
  constexpr auto npos = std::string_view::npos;
  const std::size_t shorter = std::min(a.size(), b.size());
  const auto first_difference = static_cast<std::size_t>(
      std::mismatch(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(shorter), b.begin()).first - a.begin());
  // Start of the line holding the first difference, then kMarginLines lines earlier. Every
  // byte before it is common, so it is a line start in both texts.
  std::size_t begin = 0;
  if (first_difference > 0) {
    const std::size_t nl = a.rfind('\n', first_difference - 1);
    begin = nl == npos ? 0 : nl + 1;
  }
  for (std::size_t k = 0; k < kMarginLines && begin > 0; ++k) {
    const std::size_t nl = begin >= 2 ? a.rfind('\n', begin - 2) : npos;
    begin = nl == npos ? 0 : nl + 1;
  }
  // The common tail (not overlapping the common head), cut after a newline inside it, then
  // kMarginLines lines later; a cut inside the common tail is a line start in both texts.
  std::size_t tail = 0;
  const std::size_t max_tail = shorter - first_difference;
  while (tail < max_tail && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  std::size_t end_a = a.size() - tail;
  for (std::size_t k = 0; k < kMarginLines + 1 && end_a < a.size(); ++k) {
    const std::size_t nl = a.find('\n', end_a);
    end_a = nl == npos ? a.size() : nl + 1;
  }
  const auto lines_before = static_cast<std::size_t>(std::count(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(begin), '\n'));
  return {begin, end_a, b.size() - (a.size() - end_a), lines_before};
}

std::string range_text(std::size_t start, std::size_t count) {
  return count == 1 ? std::to_string(start) : std::to_string(start) + "," + std::to_string(count);
}

}  // namespace

std::string unified_diff(std::string_view original, std::string_view edited, std::string_view rel_path,
                         const DiffOptions& options) {
  if (original == edited) return "";
  ensure_libgit2();
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags = flags_for(options);
  opts.context_lines = static_cast<std::uint32_t>(options.context_lines);
  opts.interhunk_lines = 0;
  const std::string path(rel_path);
  // xdiff hashes every line before it trims the common ends itself; trimming first makes a
  // local edit in a large file cost a memcmp plus the diff of its neighbourhood.
  const Middle middle = options.trim_common_ends ? changed_middle(original, edited)
                                                 : Middle{0, original.size(), edited.size(), 0};
  const std::string_view old_part = original.substr(middle.begin, middle.end_a - middle.begin);
  const std::string_view new_part = edited.substr(middle.begin, middle.end_b - middle.begin);
  const std::size_t offset = middle.lines_before;

  git_patch* raw = nullptr;
  if (git_patch_from_buffers(&raw, old_part.data(), old_part.size(), path.c_str(), new_part.data(), new_part.size(),
                             path.c_str(), &opts) != 0) {
    fail("git_patch_from_buffers");
  }
  const PatchPtr patch(raw);

  const std::string tab = path.find(' ') != std::string::npos ? "\t" : "";
  std::string out;
  out.reserve(256 + (original.size() + edited.size()) / 8);
  out += "--- a/" + path + tab + "\n+++ b/" + path + tab + "\n";
  const std::size_t hunks = git_patch_num_hunks(patch.get());
  for (std::size_t h = 0; h < hunks; ++h) {
    const git_diff_hunk* hunk = nullptr;
    std::size_t lines = 0;
    if (git_patch_get_hunk(&hunk, &lines, patch.get(), h) != 0) fail("git_patch_get_hunk");
    // xdiff's numbers (a count of 0 names the line before), moved past the trimmed prefix.
    out += "@@ -" + range_text(static_cast<std::size_t>(hunk->old_start) + offset, static_cast<std::size_t>(hunk->old_lines)) +
           " +" + range_text(static_cast<std::size_t>(hunk->new_start) + offset, static_cast<std::size_t>(hunk->new_lines)) +
           " @@\n";
    for (std::size_t l = 0; l < lines; ++l) {
      const git_diff_line* line = nullptr;
      if (git_patch_get_line_in_hunk(&line, patch.get(), h, l) != 0) fail("git_patch_get_line_in_hunk");
      const char origin = line->origin;
      if (origin != GIT_DIFF_LINE_CONTEXT && origin != GIT_DIFF_LINE_ADDITION && origin != GIT_DIFF_LINE_DELETION) {
        continue;  // libgit2's own end-of-file markers; we write ours below
      }
      out += origin;
      out.append(line->content, line->content_len);
      if (line->content_len == 0 || line->content[line->content_len - 1] != '\n') {
        out += "\n\\ No newline at end of file\n";
      }
    }
  }
  return hunks == 0 ? "" : out;
}

}  // namespace lamp::patch
