// SPDX-License-Identifier: GPL-3.0-or-later
// The `bash -n` checker.
#include "check/shell_check.hpp"

#include "check/sandbox.hpp"

#include <regex>

namespace lamp::check {

CheckReport check_shell(std::string_view text, const CheckOptions& options) {
  CheckReport report;
  report.language = "shell";
  report.checker = "bash -n";
  const std::string bash = find_tool(report, "bash", options);
  if (bash.empty()) return report;
  Sandbox sandbox;
  // --norc/--noprofile and an environment without BASH_ENV: no start-up file is read either.
  const auto run = sandbox.run({bash, "--norc", "--noprofile", "-n"}, std::string(text), options);
  if (!verdict_given(report, run, options)) return report;
  report.ran = true;
  if (*run.exit_code == 0) return report;
  // "bash: line 3: syntax error near unexpected token `fi'", then "bash: line 3: `fi'".
  static const std::regex kLine(R"(: line ([0-9]+): (.*))");
  std::size_t start = 0;
  while (start < run.err.size()) {
    const auto end = std::min(run.err.find('\n', start), run.err.size());
    const std::string line = run.err.substr(start, end - start);
    start = end + 1;
    std::smatch m;
    if (!std::regex_search(line, m, kLine)) continue;
    const std::int64_t number = std::stoll(m[1].str());
    if (!report.diagnostics.empty() && report.diagnostics.back().line == number) {
      report.diagnostics.back().message += ": " + first_line_of(m[2].str());
    } else {
      report.diagnostics.push_back({number, first_line_of(m[2].str())});
    }
  }
  if (report.diagnostics.empty()) report.diagnostics.push_back({0, first_line_of(run.err)});
  return report;
}

}  // namespace lamp::check
