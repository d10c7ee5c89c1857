// SPDX-License-Identifier: GPL-3.0-or-later
// bench_check: time of one syntax check (docs/protocol.md, Checks) per language, for a small and
// a large file, valid and broken, through check_syntax exactly as wisp.patch runs it (private
// directory, minimal environment, unshare when it works). Prints a Markdown table.
// Usage: bench_check [RUNS]   (RUNS per cell, default 7; PATH decides which tools run)
#include "check/sandbox.hpp"
#include "check/syntax_check.hpp"
#include "proc/child_process.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace lamp;

namespace {

struct Sample {
  const char* language;
  const char* file;
  const char* tool;
  std::string (*make)(int units, bool broken);
};

std::string python(int units, bool broken) {
  std::string t = "import os\n\n";
  for (int i = 0; i < units; ++i) {
    t += "def f" + std::to_string(i) + "(a, b):\n    \"\"\"Add.\"\"\"\n    c = [a + b for _ in range(3)]\n"
         "    return {'sum': c, 'n': " + std::to_string(i) + "}\n\n\n";
  }
  if (broken) t += "def g(:\n    pass\n";
  return t;
}

std::string shell(int units, bool broken) {
  std::string t = "#!/bin/bash\nset -euo pipefail\n";
  for (int i = 0; i < units; ++i) {
    t += "f" + std::to_string(i) + "() {\n  local x=$1\n  if [[ $x -gt 1 ]]; then\n    echo \"$(basename \"$x\")\"\n  fi\n}\n";
  }
  if (broken) t += "if true; then\n  echo x\nfi fi\n";
  return t;
}

std::string json_text(int units, bool broken) {
  std::string t = "{\n  \"items\": [\n";
  for (int i = 0; i < units; ++i) {
    t += "    {\"id\": " + std::to_string(i) + ", \"name\": \"item\", \"tags\": [\"a\", \"b\"], \"ok\": true}";
    t += i + 1 < units ? ",\n" : "\n";
  }
  t += broken ? "  ],\n}\n" : "  ]\n}\n";
  return t;
}

std::string javascript(int units, bool broken) {
  std::string t = "'use strict';\n";
  for (int i = 0; i < units; ++i) {
    t += "function f" + std::to_string(i) + "(a, b) {\n  const c = [a, b].map((x) => x * 2);\n"
         "  return { sum: c, n: " + std::to_string(i) + " };\n}\n";
  }
  if (broken) t += "function g( {\n}\n";
  return t;
}

std::string elisp(int units, bool broken) {
  std::string t = ";;; x.el --- bench  -*- lexical-binding: t; -*-\n";
  for (int i = 0; i < units; ++i) {
    t += "(defun x-f" + std::to_string(i) + " (a b)\n  \"Add A and B.\"\n  (let ((c (list a b ?\\( \"s)\")))\n"
         "    (mapcar (lambda (x) (* 2 x)) c)))\n";
  }
  if (broken) t += "(defun x-g ()\n  (let ((y 1))\n";
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
  const std::vector<Sample> samples = {{"python", "/bench/x.py", "python3", python},
                                       {"shell", "/bench/x.sh", "bash", shell},
                                       {"json", "/bench/x.json", "", json_text},
                                       {"javascript", "/bench/x.js", "node", javascript},
                                       {"emacs-lisp", "/bench/x.el", "emacs", elisp}};
  check::CheckOptions options;
  options.time_limit = std::chrono::seconds(30);
  const auto& isolation = check::network_isolation();
  std::printf("Each cell: median / max of %d checks, ms, wall clock of check_syntax (spawn, private directory, "
              "tool start-up, parse, clean-up). Network isolation: %s.\n\n",
              runs, isolation.empty() ? "none (unshare not usable)" : ("`" + isolation[0].substr(isolation[0].rfind('/') + 1) + " " + isolation[1] + "`").c_str());
  std::printf("| language | tool | lines (small / large) | small, valid | small, broken | large, valid | large, broken |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const auto& s : samples) {
    const std::string tool = *s.tool ? proc::find_program(s.tool) : "built in";
    if (tool.empty()) {
      std::printf("| %s | %s not installed | - | - | - | - | - |\n", s.language, s.tool);
      continue;
    }
    auto lines = [&](int units) { const auto t = s.make(units, false); return std::count(t.begin(), t.end(), '\n'); };
    std::string row = std::string("| ") + s.language + " | `" + tool + "` | " + std::to_string(lines(12)) + " / " +
                      std::to_string(lines(600)) + " |";
    for (int units : {12, 600}) {
      for (bool broken : {false, true}) {
        const std::string text = s.make(units, broken);
        std::vector<double> ms;
        bool as_expected = true;
        for (int i = 0; i < runs; ++i) {
          const auto t0 = std::chrono::steady_clock::now();
          const auto report = check::check_syntax(s.file, s.language, text, options);
          ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
          as_expected = as_expected && report.ran && report.broken() == broken;
        }
        char cell[96];
        std::snprintf(cell, sizeof cell, " %.1f / %.1f%s |", median(ms), *std::max_element(ms.begin(), ms.end()),
                      as_expected ? "" : " (wrong verdict!)");
        row += cell;
      }
    }
    std::printf("%s\n", row.c_str());
  }
  return 0;
}
