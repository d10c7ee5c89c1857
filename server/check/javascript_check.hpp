// SPDX-License-Identifier: GPL-3.0-or-later
// JavaScript: `node --check FILE` (syntax only; node never runs the file), when node is installed.
#pragma once

#include "check/report.hpp"

#include <string>
#include <string_view>

namespace lamp::check {

// `extension` (".js", ".mjs", ".cjs") tells node the module system; a ".js" text that only
// parses as an ES module (import/export) is checked as one.
CheckReport check_javascript(std::string_view text, const std::string& extension, const CheckOptions& options);

}  // namespace lamp::check
