// SPDX-License-Identifier: GPL-3.0-or-later
// Diagnostics quoted with their lines.
#include "check/report_text.hpp"

#include <algorithm>
#include <vector>

namespace lamp::check {

std::string diagnostics_with_context(const CheckReport& report, std::string_view text, int context_lines) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    const auto end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::string out;
  for (const auto& d : report.diagnostics) {
    out += d.line > 0 ? "line " + std::to_string(d.line) + ": " + d.message + "\n" : d.message + "\n";
    if (d.line <= 0) continue;
    const auto first = std::max<std::int64_t>(1, d.line - context_lines);
    const auto last = std::min<std::int64_t>(static_cast<std::int64_t>(lines.size()), d.line + context_lines);
    for (auto n = first; n <= last; ++n) {
      std::string number = std::to_string(n);
      number.insert(0, number.size() < 5 ? 5 - number.size() : 0, ' ');
      out += (n == d.line ? "> " : "  ") + number + " | " + std::string(lines[static_cast<std::size_t>(n - 1)]) + "\n";
    }
  }
  return out;
}

}  // namespace lamp::check
