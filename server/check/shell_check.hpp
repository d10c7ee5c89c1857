// SPDX-License-Identifier: GPL-3.0-or-later
// Shell: `bash -n` on the text given on stdin: bash parses every command and runs none.
#pragma once

#include "check/report.hpp"

#include <string_view>

namespace lamp::check {

CheckReport check_shell(std::string_view text, const CheckOptions& options);

}  // namespace lamp::check
