// SPDX-License-Identifier: GPL-3.0-or-later
// The python3 compile() checker.
#include "check/python_check.hpp"

#include "check/sandbox.hpp"


namespace lamp::check {
namespace {

// -I: no user site, no PYTHON* variables, no script directory on sys.path; -S: no site module;
// -B: no .pyc. compile() with dont_inherit only parses and builds a code object it never runs.
constexpr const char* kProgram = R"PY(
import sys, warnings
warnings.simplefilter("ignore")
source = sys.stdin.buffer.read()
try:
    compile(source, sys.argv[1], "exec", dont_inherit=True)
except SyntaxError as e:
    print(f"{e.lineno or 0}\t{e.msg}")
    sys.exit(1)
except (ValueError, MemoryError, RecursionError) as e:
    print(f"0\t{type(e).__name__}: {e}")
    sys.exit(1)
)PY";

}  // namespace

CheckReport check_python(std::string_view text, const std::string& file_name, const CheckOptions& options) {
  CheckReport report;
  report.language = "python";
  report.checker = "python3 compile()";
  const std::string python = find_tool(report, "python3", options);
  if (python.empty()) return report;
  Sandbox sandbox;
  const auto run = sandbox.run({python, "-I", "-S", "-B", "-c", kProgram, file_name}, std::string(text), options);
  if (!verdict_given(report, run, options)) return report;
  if (*run.exit_code == 0) {
    report.ran = true;
    return report;
  }
  // "LINE<TAB>message" from the program above; anything else is python3 failing to start.
  return read_line_and_message(report, run, "python3");
}

}  // namespace lamp::check
