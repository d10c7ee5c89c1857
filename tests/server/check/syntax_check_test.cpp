// SPDX-License-Identifier: GPL-3.0-or-later
// The syntax checkers: valid text passes, broken text is reported at the right line, text that
// would act if it were run is only parsed (its marker file never appears), the time limit is a
// reported timeout, and a missing tool or language is a skip that says why.
#include "check/syntax_check.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

using namespace std::chrono_literals;
using namespace lamp::check;

namespace {

CheckOptions options() {
  CheckOptions o;
  o.time_limit = 20s;  // generous: the machine may be busy; the timeout test sets its own
  return o;
}

CheckReport check(const std::string& file, const std::string& text, const std::string& language = "") {
  return check_syntax(file, language, text, options());
}

bool tool_present(const char* tool) {
  for (const auto& c : checkers()) {
    if (c.checker.find(tool) == 0) return c.available;
  }
  return false;
}

// A private directory for marker files a checked text would create if it ran.
struct MarkerDir {
  MarkerDir() {
    char templ[] = "/tmp/lamp-check-test-XXXXXX";
    path = ::mkdtemp(templ);
  }
  ~MarkerDir() { std::filesystem::remove_all(path); }
  std::string marker() const { return path + "/MARKER"; }
  std::string path;
};

std::string describe(const CheckReport& r) {
  std::string out = r.language + " / " + r.checker + (r.ran ? " ran" : " skipped: " + r.skipped);
  for (const auto& d : r.diagnostics) out += "\n  line " + std::to_string(d.line) + ": " + d.message;
  return out;
}

}  // namespace

TEST(SyntaxCheck, PythonValidAndBroken) {
  auto ok = check("/p/src/calc.py", "def add(a, b):\n    return a + b\n");
  EXPECT_TRUE(ok.ok()) << describe(ok);
  EXPECT_EQ(ok.checker, "python3 compile()");
  auto broken = check("/p/src/calc.py", "def add(a, b):\n    return a +\n\nprint(add(1, 2))\n");
  ASSERT_TRUE(broken.broken()) << describe(broken);
  ASSERT_EQ(broken.diagnostics.size(), 1u);
  EXPECT_EQ(broken.diagnostics[0].line, 2);
  EXPECT_NE(broken.diagnostics[0].message.find("invalid syntax"), std::string::npos) << describe(broken);
  // What only the compiler (not the parser) rejects.
  auto outside = check("/p/a.py", "x = 1\nreturn x\n");
  ASSERT_TRUE(outside.broken()) << describe(outside);
  EXPECT_EQ(outside.diagnostics[0].line, 2);
}

TEST(SyntaxCheck, PythonThatWouldActIfRunIsOnlyParsed) {
  MarkerDir dir;
  const std::string text = "import os, sys\n"
                           "open('" + dir.marker() + "', 'w').write('ran')\n"
                           "os.system('touch " + dir.marker() + "')\n"
                           "print('RAN AT IMPORT')\n"
                           "sys.exit(7)\n";
  auto r = check("/p/evil.py", text);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_FALSE(std::filesystem::exists(dir.marker())) << "the checked code ran";
}

TEST(SyntaxCheck, ShellValidAndBroken) {
  auto ok = check("/p/run.sh", "#!/bin/bash\nif true; then\n  echo hi\nfi\n");
  EXPECT_TRUE(ok.ok()) << describe(ok);
  auto broken = check("/p/run.sh", "#!/bin/bash\necho start\nif true; then\n  echo hi\nfi fi\necho end\n");
  ASSERT_TRUE(broken.broken()) << describe(broken);
  EXPECT_EQ(broken.diagnostics[0].line, 5);
  EXPECT_NE(broken.diagnostics[0].message.find("syntax error"), std::string::npos) << describe(broken);
  // bash -n never runs a command.
  MarkerDir dir;
  auto inert = check("/p/x.sh", "touch " + dir.marker() + "\necho $(touch " + dir.marker() + ")\n");
  EXPECT_TRUE(inert.ok()) << describe(inert);
  EXPECT_FALSE(std::filesystem::exists(dir.marker()));
}

TEST(SyntaxCheck, JsonValidAndBroken) {
  auto ok = check("/p/package.json", "{\n  \"name\": \"x\",\n  \"version\": 1\n}\n", "javascript");
  EXPECT_TRUE(ok.ok()) << describe(ok);
  EXPECT_EQ(ok.language, "json") << "the extension wins over a JavaScript mode";
  auto broken = check("/p/package.json", "{\n  \"name\": \"x\",\n  \"version\": 1,\n}\n");
  ASSERT_TRUE(broken.broken()) << describe(broken);
  EXPECT_EQ(broken.diagnostics[0].line, 4);
}

TEST(SyntaxCheck, JavaScriptValidAndBroken) {
  if (!tool_present("node")) GTEST_SKIP() << "node is not installed";
  auto ok = check("/p/app.js", "function add(a, b) {\n  return a + b;\n}\n");
  EXPECT_TRUE(ok.ok()) << describe(ok);
  auto broken = check("/p/app.js", "function add(a, b) {\n  return a + ;\n}\n");
  ASSERT_TRUE(broken.broken()) << describe(broken);
  EXPECT_EQ(broken.diagnostics[0].line, 2);
  EXPECT_NE(broken.diagnostics[0].message.find("SyntaxError"), std::string::npos) << describe(broken);
  // An ES module in a .js file is not an error.
  auto module = check("/p/mod.js", "import fs from 'fs';\nexport const x = 1;\n");
  EXPECT_TRUE(module.ok()) << describe(module);
  MarkerDir dir;
  auto inert = check("/p/x.js", "require('fs').writeFileSync('" + dir.marker() + "', 'ran');\n");
  EXPECT_TRUE(inert.ok()) << describe(inert);
  EXPECT_FALSE(std::filesystem::exists(dir.marker()));
}

TEST(SyntaxCheck, EmacsLispValidAndBroken) {
  auto ok = check("/p/x.el", ";;; x.el --- test  -*- lexical-binding: t; -*-\n(defun x () \"a ) string\" ?\\( 1)\n;; (\n");
  EXPECT_TRUE(ok.ok()) << describe(ok);
  auto unclosed = check("/p/x.el", "(defun a () 1)\n\n(defun b ()\n  (let ((x 1))\n    x)\n");
  ASSERT_TRUE(unclosed.broken()) << describe(unclosed);
  EXPECT_EQ(unclosed.diagnostics[0].line, 3);
  EXPECT_NE(unclosed.diagnostics[0].message.find("unbalanced"), std::string::npos) << describe(unclosed);
  auto extra = check("/p/x.el", "(defun a () 1)\n(defun b () 2))\n(defun c () 3)\n");
  ASSERT_TRUE(extra.broken()) << describe(extra);
  EXPECT_EQ(extra.diagnostics[0].line, 2);
}

TEST(SyntaxCheck, EmacsLispIsNeverEvaluated) {
  MarkerDir dir;
  const std::string text = "(eval-when-compile (shell-command \"touch " + dir.marker() + "\"))\n"
                           "(shell-command \"touch " + dir.marker() + "\")\n"
                           ";; Local Variables:\n;; eval: (shell-command \"touch " + dir.marker() + "\")\n;; End:\n";
  auto r = check("/p/evil.el", text);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_FALSE(std::filesystem::exists(dir.marker())) << "the checked code was evaluated";
}

TEST(SyntaxCheck, TimeLimitIsReportedAsATimeout) {
  CheckOptions o;
  o.time_limit = 1ms;  // no python3 starts that fast
  auto r = check_syntax("/p/calc.py", "python", "x = 1\n", o);
  EXPECT_FALSE(r.ran);
  EXPECT_TRUE(r.timed_out);
  EXPECT_NE(r.skipped.find("took longer than 1 ms"), std::string::npos) << r.skipped;
}

TEST(SyntaxCheck, MissingToolOrLanguageIsSkippedWithTheReason) {
  char empty[] = "/tmp/lamp-check-empty-XXXXXX";
  ASSERT_NE(::mkdtemp(empty), nullptr);
  CheckOptions o;
  o.search_path = empty;  // no tool on this PATH
  auto py = check_syntax("/p/calc.py", "python", "x = (\n", o);
  EXPECT_FALSE(py.ran);
  EXPECT_TRUE(py.diagnostics.empty());
  EXPECT_EQ(py.skipped, "python3 is not installed (not found on PATH)");
  auto js = check_syntax("/p/app.js", "javascript", "x = (\n", o);
  EXPECT_EQ(js.skipped, "node is not installed (not found on PATH)");
  auto json = check_syntax("/p/a.json", "json", "{", o);  // built in: needs no tool
  EXPECT_TRUE(json.broken());
  auto rust = check("/p/main.rs", "fn main( {\n", "rust");
  EXPECT_FALSE(rust.ran);
  EXPECT_EQ(rust.skipped, "no checker for rust");
  auto zsh = check("/p/run", "#!/usr/bin/env zsh\nprint -P '%F{red}x'\n", "shell");
  EXPECT_EQ(zsh.skipped, "no checker for zsh");
  for (const auto& c : checkers(empty)) EXPECT_EQ(c.available, c.language == "json") << c.language;
  ::rmdir(empty);
}

TEST(SyntaxCheck, LanguageComesFromTheExtensionThenTheRequest) {
  EXPECT_EQ(checked_language("/p/a.py", "text", ""), "python");
  EXPECT_EQ(checked_language("/p/script", "python", ""), "python");
  EXPECT_EQ(checked_language("/p/init.el", "emacs-lisp", ""), "emacs-lisp");
  EXPECT_EQ(checked_language("/p/x.mjs", "", ""), "javascript");
  EXPECT_EQ(checked_language("/p/build", "shell", "#!/bin/sh\n"), "shell");
}
