// SPDX-License-Identifier: GPL-3.0-or-later
// Tag: one definition ctags reported, and how the repo map and excerpts show it (which tags make
// the outline, and a one-line signature without the body).
#pragma once

#include <cstddef>
#include <string>

namespace lamp::context {

struct Tag {
  std::string path;         // as ctags was given it (relative to the project root)
  std::string name;
  std::string kind;         // ctags' long kind name: "function", "class", "method", ...
  std::size_t line = 0;     // 1-based line of the definition
  std::size_t end = 0;      // 1-based last line; 0 when ctags cannot tell (no end for the language)
  std::string scope;        // enclosing scope ("lamp::proc", "Config"), empty at top level
  std::string scope_kind;   // kind of that scope ("namespace", "class", ...)
  std::string signature;    // parameter list when ctags knows it, e.g. "(argv)"
  std::string source_line;  // the definition's first line as ctags' pattern has it, unescaped
  bool source_line_cut = false;  // ctags shortened the pattern (--pattern-length-limit)
};

// 0 for a top-level definition (functions, classes, structs... at file or namespace scope),
// 1 for a function or method directly inside a top-level class-like scope, -1 for everything
// else (variables, members, locals, lambdas, nested classes): the outline keeps 0 and 1 only.
int outline_depth(const Tag& tag);

// The definition as one compact line without its body, e.g. "def parse_args(argv)",
// "class Config(Base)", "int main(int argc, char **argv)"; at most about 160 bytes, cut at a
// UTF-8 character boundary.
std::string signature_line(const Tag& tag);

}  // namespace lamp::context
