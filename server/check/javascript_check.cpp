// SPDX-License-Identifier: GPL-3.0-or-later
// The `node --check` checker.
#include "check/javascript_check.hpp"

#include "check/sandbox.hpp"

#include <regex>

namespace lamp::check {
namespace {

// node prints "FILE:LINE", the line with a caret under it, then "SyntaxError: message".
Diagnostic read_node_error(const std::string& err) {
  static const std::regex kWhere(R"(^.*\.[cm]?js:([0-9]+)\s*$)");
  Diagnostic d;
  std::size_t start = 0;
  while (start < err.size()) {
    const auto end = std::min(err.find('\n', start), err.size());
    const std::string line = err.substr(start, end - start);
    start = end + 1;
    std::smatch m;
    if (d.line == 0 && std::regex_match(line, m, kWhere)) d.line = std::stoll(m[1].str());
    if (d.message.empty() && line.find("Error: ") != std::string::npos && line.find("    at ") != 0) {
      d.message = first_line_of(line);
    }
  }
  if (d.message.empty()) d.message = first_line_of(err);
  return d;
}

bool module_syntax_error(const Diagnostic& d) {
  return d.message.find("outside a module") != std::string::npos ||
         d.message.find("Unexpected token 'export'") != std::string::npos;
}

}  // namespace

CheckReport check_javascript(std::string_view text, const std::string& extension, const CheckOptions& options) {
  CheckReport report;
  report.language = "javascript";
  report.checker = "node --check";
  const std::string node = find_tool(report, "node", options);
  if (node.empty()) return report;
  Sandbox sandbox;
  const std::string ext = extension == ".mjs" || extension == ".cjs" ? extension : ".js";
  auto check_as = [&](const std::string& name) {
    return sandbox.run({node, "--check", sandbox.write_file(name, text)}, "", options);
  };
  auto run = check_as("checked" + ext);
  if (!verdict_given(report, run, options)) return report;
  report.ran = true;
  if (*run.exit_code == 0) return report;
  Diagnostic d = read_node_error(run.err);
  if (ext == ".js" && module_syntax_error(d)) {
    run = check_as("checked.mjs");
    if (!verdict_given(report, run, options)) {
      report.ran = false;
      return report;
    }
    if (*run.exit_code == 0) return report;
    d = read_node_error(run.err);
  }
  report.diagnostics.push_back(std::move(d));
  return report;
}

}  // namespace lamp::check
