// SPDX-License-Identifier: GPL-3.0-or-later
// The in-process JSON checker.
#include "check/json_check.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace lamp::check {

CheckReport check_json(std::string_view text) {
  CheckReport report;
  report.language = "json";
  report.checker = "nlohmann::json";
  report.ran = true;
  try {
    const auto parsed = nlohmann::json::parse(text.begin(), text.end());
    (void)parsed;
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the byte the parser stopped at.
    const std::size_t at = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
    std::string message = e.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while
    // parsing object - ...": keep what follows the position.
    if (const auto colon = message.find(": "); colon != std::string::npos) message = message.substr(colon + 2);
    report.diagnostics.push_back({static_cast<std::int64_t>(line), message});
  }
  return report;
}

}  // namespace lamp::check
