// SPDX-License-Identifier: GPL-3.0-or-later
// Applies recovered edits to the buffer in memory, locating every block by content (never by
// line number); see edit_target.hpp for the repair ladder.
#pragma once

#include "patch/edit_plan.hpp"
#include "patch/positions.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lamp::patch {

// Applies the edits one after the other; all or nothing. Returns the edited text, or the
// first failure described for the retry prompt.
std::variant<std::string, RepairFailure> apply_edits(std::string_view buffer, ByteRange selection,
                                                     const std::vector<Edit>& edits);

}  // namespace lamp::patch
