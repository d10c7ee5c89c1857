// SPDX-License-Identifier: GPL-3.0-or-later
// Python: a python3 child that only compiles the text it reads on stdin (compile(), which
// parses and builds bytecode in memory); nothing is imported from it and nothing runs.
#pragma once

#include "check/report.hpp"

#include <string>
#include <string_view>

namespace lamp::check {

CheckReport check_python(std::string_view text, const std::string& file_name, const CheckOptions& options);

}  // namespace lamp::check
