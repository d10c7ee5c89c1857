// SPDX-License-Identifier: GPL-3.0-or-later
// Turns a model reply of any common shape into an EditPlan: SEARCH/REPLACE blocks (what we
// ask for), JSON envelopes, unified diffs, fenced or bare code, and "NO CHANGE".
#pragma once

#include "patch/edit_plan.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace lamp::patch {

// Edits in reply order plus the rationale (the prose around them). Fails when the reply is
// malformed in a way no reading can fix (e.g. a SEARCH block cut off mid-way) or holds no edit.
std::variant<EditPlan, RepairFailure> parse_reply(std::string_view reply, const ReplyContext& context);

}  // namespace lamp::patch
