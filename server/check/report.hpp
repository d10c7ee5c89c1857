// SPDX-License-Identifier: GPL-3.0-or-later
// What a syntax check found (docs/protocol.md, Checks): the vocabulary every checker returns
// and wisp.patch turns into `diagnostics` and `check`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace lamp::check {

struct Diagnostic {
  std::int64_t line = 0;  // 1-based line of the checked text; 0 when the checker names none
  std::string message;
};

struct CheckReport {
  std::string language;  // the language checked (or recognised but not checkable)
  std::string checker;   // what checked it, e.g. "python3 compile()"; empty when skipped early
  bool ran = false;      // false: not checked, see `skipped`
  bool timed_out = false;
  std::string skipped;   // why it was not checked (no checker, tool missing, time limit)
  std::vector<Diagnostic> diagnostics;

  bool ok() const { return ran && diagnostics.empty(); }
  bool broken() const { return ran && !diagnostics.empty(); }
};

struct CheckOptions {
  std::chrono::milliseconds time_limit{5000};  // LAMP_CHECK_TIMEOUT_S
  std::string search_path;                     // PATH to find the tools in; empty: lamp's $PATH
};

}  // namespace lamp::check
