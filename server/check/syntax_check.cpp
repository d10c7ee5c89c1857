// SPDX-License-Identifier: GPL-3.0-or-later
// Language detection and dispatch to the checkers.
#include "check/syntax_check.hpp"

#include "check/elisp_check.hpp"
#include "check/javascript_check.hpp"
#include "check/json_check.hpp"
#include "check/python_check.hpp"
#include "check/shell_check.hpp"
#include "proc/child_process.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <map>

namespace lamp::check {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string extension_of(const std::string& file_path) {
  const auto slash = file_path.find_last_of('/');
  const std::string base = file_path.substr(slash == std::string::npos ? 0 : slash + 1);
  const auto dot = base.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? "" : lower(base.substr(dot));
}

// A shell script whose #! line names another shell is not bash's to judge.
std::string shell_of(std::string_view text) {
  if (!text.starts_with("#!")) return "shell";
  const std::string first(text.substr(0, text.find('\n')));
  for (const char* other : {"zsh", "fish", "csh", "ksh"}) {
    if (first.find(other) != std::string::npos) return other;
  }
  return "shell";
}

}  // namespace

std::string checked_language(const std::string& file_path, const std::string& language, std::string_view text) {
  static const std::map<std::string, std::string> by_extension = {
      {".py", "python"}, {".pyw", "python"}, {".sh", "shell"}, {".bash", "shell"},
      {".json", "json"}, {".js", "javascript"}, {".mjs", "javascript"}, {".cjs", "javascript"},
      {".el", "emacs-lisp"}, {".zsh", "zsh"}, {".fish", "fish"}, {".jsonc", "jsonc"},
      {".json5", "json5"}, {".jsx", "jsx"}, {".ts", "typescript"}, {".tsx", "typescript"}};
  static const std::map<std::string, std::string> by_name = {
      {"python", "python"}, {"shell", "shell"}, {"sh", "shell"}, {"bash", "shell"},
      {"json", "json"}, {"javascript", "javascript"}, {"js", "javascript"},
      {"emacs-lisp", "emacs-lisp"}, {"elisp", "emacs-lisp"}};
  std::string found;
  if (auto it = by_extension.find(extension_of(file_path)); it != by_extension.end()) {
    found = it->second;
  } else if (auto named = by_name.find(lower(language)); named != by_name.end()) {
    found = named->second;
  } else {
    found = lower(language);
  }
  return found == "shell" ? shell_of(text) : found;
}

CheckReport check_syntax(const std::string& file_path, const std::string& language, std::string_view text,
                         const CheckOptions& options) {
  const std::string checked = checked_language(file_path, language, text);
  try {
    if (checked == "python") return check_python(text, file_path, options);
    if (checked == "shell") return check_shell(text, options);
    if (checked == "json") return check_json(text);
    if (checked == "javascript") return check_javascript(text, extension_of(file_path), options);
    if (checked == "emacs-lisp") return check_elisp(text, options);
  } catch (const std::exception& e) {  // no temporary directory, a file that cannot be written
    CheckReport report;
    report.language = checked;
    report.skipped = std::string("the check could not run: ") + e.what();
    return report;
  }
  CheckReport report;
  report.language = checked;
  report.skipped = "no checker for " + (checked.empty() ? std::string("this language") : checked);
  return report;
}

std::vector<CheckerInfo> checkers(const std::string& search_path) {
  auto on_path = [&](const char* tool) { return !proc::find_program(tool, search_path).empty(); };
  return {{"python", "python3 compile()", on_path("python3")},
          {"shell", "bash -n", on_path("bash")},
          {"json", "nlohmann::json", true},
          {"javascript", "node --check", on_path("node")},
          {"emacs-lisp", "emacs read", on_path("emacs")}};
}

}  // namespace lamp::check
