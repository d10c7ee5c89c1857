// SPDX-License-Identifier: GPL-3.0-or-later
// The `emacs --batch` reader checker.
#include "check/elisp_check.hpp"

#include "check/sandbox.hpp"


namespace lamp::check {
namespace {

// The file is inserted as text (insert-file-contents: no mode, no local variables) and read
// form by form; `read' only builds Lisp objects. Prints "LINE<TAB>message" for the first error.
std::string reader_program(const std::string& path) {
  std::string quoted = "\"";
  for (char c : path) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return "(let ((coding-system-for-read 'utf-8-unix))"
         " (with-temp-buffer"
         "  (set-syntax-table emacs-lisp-mode-syntax-table)"
         "  (insert-file-contents " + quoted + ")"
         "  (goto-char (point-min))"
         "  (condition-case err"
         "      (while (progn (forward-comment (buffer-size)) (not (eobp)))"
         "        (let ((start (point)))"
         "          (condition-case nil (read (current-buffer))"
         "            (end-of-file"
         "             (princ (format \"%d\\tunbalanced parentheses: the form that starts here is never closed\\n\""
         "                            (line-number-at-pos start)))"
         "             (kill-emacs 1)))))"
         "    (invalid-read-syntax"
         "     (princ (format \"%d\\t%s\\n\" (line-number-at-pos)"
         "                    (if (equal (cadr err) \")\") \"unbalanced parentheses: a \\\")\\\" closes nothing\""
         "                      (format \"invalid syntax: %s\" (cadr err)))))"
         "     (kill-emacs 1))"
         "    (error (princ (format \"%d\\t%s\\n\" (line-number-at-pos) (error-message-string err)))"
         "           (kill-emacs 1))))"
         " (kill-emacs 0))";
}

}  // namespace

CheckReport check_elisp(std::string_view text, const CheckOptions& options) {
  CheckReport report;
  report.language = "emacs-lisp";
  report.checker = "emacs read";
  const std::string emacs = find_tool(report, "emacs", options);
  if (emacs.empty()) return report;
  Sandbox sandbox;
  const std::string file = sandbox.write_file("checked.el", text);
  const auto run = sandbox.run({emacs, "-Q", "--batch", "--eval", reader_program(file)}, "", options);
  if (!verdict_given(report, run, options)) return report;
  if (*run.exit_code == 0) {
    report.ran = true;
    return report;
  }
  return read_line_and_message(report, run, "emacs");
}

}  // namespace lamp::check
