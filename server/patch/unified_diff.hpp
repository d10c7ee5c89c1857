// SPDX-License-Identifier: GPL-3.0-or-later
// original -> edited as a plain unified diff (libgit2's xdiff), ready for `patch -p1` and
// `git apply`.
#pragma once

#include "patch/errors.hpp"

#include <string>
#include <string_view>

namespace lamp::patch {

struct DiffOptions {
  enum class Algorithm { myers, minimal, patience, histogram };
  int context_lines = 3;
  Algorithm algorithm = Algorithm::myers;  // git's default
  bool indent_heuristic = true;            // git's default since 2.14
  // Skip the common head and tail (keeping 100 lines around the changes) before xdiff.
  bool trim_common_ends = true;
};

// Headers "--- a/REL" and "+++ b/REL" (followed by a tab when REL contains a space, as git
// does, so GNU patch reads the whole name), "@@ -a,b +c,d @@" hunks, and
// "\ No newline at end of file" after a last line without newline. "" when the texts are
// equal. Throws EngineFailure if libgit2 fails.
std::string unified_diff(std::string_view original, std::string_view edited, std::string_view rel_path,
                         const DiffOptions& options = {});

}  // namespace lamp::patch
