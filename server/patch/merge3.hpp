// SPDX-License-Identifier: GPL-3.0-or-later
// Three-way merge of whole texts with libgit2's git_merge_file (the merge `git merge-file`
// runs), used to carry a proposal across edits made to the text since it was asked for.
#pragma once

#include <string>
#include <string_view>

namespace lamp::patch {

struct MergeOutcome {
  bool clean = false;  // no conflict: `text` is the merged text
  std::string text;    // the merged text; with conflict markers when not clean
};

// Merges the changes base→ours and base→theirs as `git merge-file -p ours base theirs` does
// (same xdiff merge, same level). Throws EngineFailure if libgit2 fails.
MergeOutcome merge_three_way(std::string_view base, std::string_view ours, std::string_view theirs);

}  // namespace lamp::patch
