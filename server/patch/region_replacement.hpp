// SPDX-License-Identifier: GPL-3.0-or-later
// Applies a bare code block: replacement of the selection, of a region around it (anchored by
// the block's first/last lines), or of the whole file, with guards against deleting or
// duplicating code the block does not account for.
#pragma once

#include "patch/edit_target.hpp"
#include "patch/edit_plan.hpp"

#include <optional>
#include <string>

namespace lamp::patch {

std::optional<RepairFailure> apply_region(EditTarget& target, const RegionReplacement& region,
                                          const std::string& label);

}  // namespace lamp::patch
