// SPDX-License-Identifier: GPL-3.0-or-later
// A check's diagnostics as text for the model's corrective retry: each message with the lines
// of the checked text around it, numbered as the checker numbered them.
#pragma once

#include "check/report.hpp"

#include <string>
#include <string_view>

namespace lamp::check {

// "line 5: invalid syntax" followed by lines 3-7 of `text` ("> " marks line 5), per diagnostic.
std::string diagnostics_with_context(const CheckReport& report, std::string_view text, int context_lines = 2);

}  // namespace lamp::check
