// SPDX-License-Identifier: GPL-3.0-or-later
// The extension table behind language_of.
#include "cli/source_language.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace lamp::cli {
namespace {

using Blocks = std::vector<std::pair<std::string, std::string>>;

SourceLanguage lang(std::string name, std::vector<std::string> line, Blocks block, std::string quotes) {
  SourceLanguage l{std::move(name), line.empty() ? "block" : "line", std::move(line), std::move(block),
                   std::move(quotes)};
  return l;
}

SourceLanguage c_like(std::string name, std::string quotes = "\"'") {
  return lang(std::move(name), {"//"}, {{"/*", "*/"}}, std::move(quotes));
}

SourceLanguage hash_comments(std::string name, std::string quotes = "\"'") {
  return lang(std::move(name), {"#"}, {}, std::move(quotes));
}

}  // namespace

SourceLanguage language_of(const std::filesystem::path& file) {
  static const std::map<std::string, SourceLanguage> by_extension = [] {
    SourceLanguage python = hash_comments("python");
    python.triple_quotes = true;
    SourceLanguage c = c_like("c");
    c.comment_style = "block";  // C's own comments are /* */
    return std::map<std::string, SourceLanguage>{
        {".py", python},
        {".c", c},
        {".h", c},
        {".cc", c_like("c++")},
        {".cpp", c_like("c++")},
        {".cxx", c_like("c++")},
        {".hpp", c_like("c++")},
        {".hh", c_like("c++")},
        {".java", c_like("java")},
        {".js", c_like("javascript", "\"'`")},
        {".mjs", c_like("javascript", "\"'`")},
        {".ts", c_like("typescript", "\"'`")},
        {".tsx", c_like("typescript", "\"'`")},
        {".go", c_like("go", "\"'`")},
        {".rs", c_like("rust", "\"")},  // ' also starts lifetimes
        {".swift", c_like("swift", "\"")},
        {".kt", c_like("kotlin")},
        {".scala", c_like("scala")},
        {".cs", c_like("csharp")},
        {".php", lang("php", {"//", "#"}, {{"/*", "*/"}}, "\"'")},
        {".css", lang("css", {}, {{"/*", "*/"}}, "\"'")},
        {".sh", hash_comments("shell")},
        {".bash", hash_comments("shell")},
        {".zsh", hash_comments("shell")},
        {".rb", hash_comments("ruby")},
        {".pl", hash_comments("perl")},
        {".r", hash_comments("r")},
        {".yml", hash_comments("yaml")},
        {".yaml", hash_comments("yaml")},
        {".toml", hash_comments("toml")},
        {".cmake", hash_comments("cmake", "\"")},
        {".mk", hash_comments("makefile", "")},
        {".el", lang("emacs-lisp", {";"}, {}, "\"")},
        {".lisp", lang("lisp", {";"}, {{"#|", "|#"}}, "\"")},
        {".scm", lang("scheme", {";"}, {{"#|", "|#"}}, "\"")},
        {".clj", lang("clojure", {";"}, {}, "\"")},
        {".lua", lang("lua", {"--"}, {{"--[[", "]]"}}, "\"'")},
        {".hs", lang("haskell", {"--"}, {{"{-", "-}"}}, "\"")},
        {".sql", lang("sql", {"--"}, {{"/*", "*/"}}, "'\"")},
        {".tex", lang("latex", {"%"}, {}, "")},
        {".erl", lang("erlang", {"%"}, {}, "\"")},
        {".ini", lang("ini", {";", "#"}, {}, "")},
        {".html", lang("html", {}, {{"<!--", "-->"}}, "")},
        {".xml", lang("xml", {}, {{"<!--", "-->"}}, "")},
        {".md", lang("markdown", {}, {{"<!--", "-->"}}, "")},
    };
  }();
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char ch) { return std::tolower(ch); });
  const std::string name = file.filename().string();
  if (name == "Makefile" || name == "makefile" || name == "GNUmakefile") ext = ".mk";
  if (name == "CMakeLists.txt") ext = ".cmake";
  const auto it = by_extension.find(ext);
  return it == by_extension.end() ? hash_comments("text", "") : it->second;
}

}  // namespace lamp::cli
