// SPDX-License-Identifier: GPL-3.0-or-later
// Emacs Lisp: an `emacs -Q --batch` child that `read`s every form of the text until the end and
// reports the first unbalanced parenthesis or invalid syntax with its line. It never evaluates,
// loads or byte-compiles the text (eval-when-compile and file-local variables stay inert).
#pragma once

#include "check/report.hpp"

#include <string_view>

namespace lamp::check {

CheckReport check_elisp(std::string_view text, const CheckOptions& options);

}  // namespace lamp::check
