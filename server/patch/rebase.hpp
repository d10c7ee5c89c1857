// SPDX-License-Identifier: GPL-3.0-or-later
// Carries a diff made against one text (the base) over to a text edited since (the current
// text): each hunk is merged three ways on its own, so hunks away from the edits always go
// through and a hunk whose changed lines were also edited is reported, never guessed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::patch {

struct RebaseConflict {
  std::size_t hunk = 0;       // 0-based, in the order of the input diff
  std::size_t old_start = 0;  // the hunk's "-a,b" in the base text, as its header says
  std::size_t old_lines = 0;
  std::string message;
};

struct RebaseResult {
  // Against the current text, with the input's ---/+++ lines; "" when nothing merged changes it.
  std::string patch;
  std::string merged;  // the current text with `patch` applied
  std::vector<RebaseConflict> conflicts;
};

// Merges every hunk of `diff` (a single-file unified diff that applies to `base`; the "+c"
// starts of its headers are recomputed, so any subset of a diff's hunks may be given) into
// `current`. Throws InvalidRequest naming base_text, current_text or patch when the inputs
// are unusable, EngineFailure when the result fails its own verification.
RebaseResult rebase_diff(std::string_view base, std::string_view current, std::string_view diff);

}  // namespace lamp::patch
