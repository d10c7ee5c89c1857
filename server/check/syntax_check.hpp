// SPDX-License-Identifier: GPL-3.0-or-later
// check_syntax: the checker for a file (docs/protocol.md, Checks), chosen by its extension or
// else the request's language, run on one text. Checkers parse and never execute the text.
#pragma once

#include "check/report.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lamp::check {

// The language a checker exists for ("python", "shell", "json", "javascript", "emacs-lisp"),
// or the name of one without a checker, from `file_path`'s extension first (a ".json" file in
// a JavaScript mode is JSON) and else from the request's `language` (a script without one).
std::string checked_language(const std::string& file_path, const std::string& language, std::string_view text);

// Checks `text` as `file_path` would be checked. Never throws: a checker that cannot run is
// a report with `skipped` set.
CheckReport check_syntax(const std::string& file_path, const std::string& language, std::string_view text,
                         const CheckOptions& options);

struct CheckerInfo {
  std::string language;
  std::string checker;
  bool available = false;  // its tool is on the search path (JSON is built in)
};
// Every checker, for server.describe.
std::vector<CheckerInfo> checkers(const std::string& search_path = "");

}  // namespace lamp::check
