// SPDX-License-Identifier: GPL-3.0-or-later
// Applies one unified-diff hunk to the target by content (its @@ numbers are never used).
#pragma once

#include "patch/edit_target.hpp"
#include "patch/edit_plan.hpp"

#include <optional>
#include <string>

namespace lamp::patch {

// `sole_edit`: the hunk is the reply's only edit, so a hunk of only added lines may go to the
// selection (there is nothing else to locate it by).
std::optional<RepairFailure> apply_hunk(EditTarget& target, const DiffHunk& hunk, const std::string& label,
                                        bool sole_edit);

}  // namespace lamp::patch
