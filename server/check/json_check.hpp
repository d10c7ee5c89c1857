// SPDX-License-Identifier: GPL-3.0-or-later
// JSON: parsed in-process with nlohmann::json (no child process; parsing is all there is).
#pragma once

#include "check/report.hpp"

#include <string_view>

namespace lamp::check {

CheckReport check_json(std::string_view text);

}  // namespace lamp::check
