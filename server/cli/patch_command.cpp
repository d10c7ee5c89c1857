// SPDX-License-Identifier: GPL-3.0-or-later
// `lamp patch FILE --start N --end N`: asks wisp.patch for the change a comment describes and
// prints the unified diff, so `lamp patch f.py --start 10 --end 42 | patch -p1` works from the
// project root (the current directory).
#include "cli/client_call.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

namespace lamp::cli {
namespace {

using proto::json;

struct PatchOptions {
  std::string socket;
  std::string file;
  std::int64_t start = 0;
  std::int64_t end = 0;
  std::string instruction;
  std::string model;
};

struct Language {
  const char* name;
  const char* comment_style;
};

Language language_of(const std::filesystem::path& file) {
  static const std::map<std::string, Language> by_extension = {
      {".py", {"python", "line"}},      {".el", {"emacs-lisp", "line"}}, {".c", {"c", "block"}},
      {".h", {"c", "block"}},           {".cc", {"c++", "line"}},        {".cpp", {"c++", "line"}},
      {".hpp", {"c++", "line"}},        {".rs", {"rust", "line"}},       {".go", {"go", "line"}},
      {".js", {"javascript", "line"}},  {".ts", {"typescript", "line"}}, {".sh", {"shell", "line"}},
      {".rb", {"ruby", "line"}},        {".java", {"java", "line"}},     {".lua", {"lua", "line"}},
      {".hs", {"haskell", "line"}},     {".sql", {"sql", "line"}},       {".html", {"html", "block"}},
      {".css", {"css", "block"}},       {".md", {"markdown", "block"}},
  };
  const auto it = by_extension.find(file.extension().string());
  return it == by_extension.end() ? Language{"text", "line"} : it->second;
}

int run_patch(const PatchOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    print_error("cannot read " + o.file);
    return 1;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const auto language = language_of(o.file);
  json params = {
      {"file_path", std::filesystem::absolute(o.file).lexically_normal().string()},
      {"language", language.name},
      {"comment_style", language.comment_style},
      {"selection", {{"start_pos", o.start}, {"end_pos", o.end}}},
      {"buffer_text", text.str()},
      {"context", {{"project_root", std::filesystem::current_path().string()}}},
  };
  if (!o.instruction.empty()) params["instruction"] = o.instruction;
  if (!o.model.empty()) params["model"] = o.model;
  return with_client(o.socket, [&](client::RpcClient& c) {
    const json result = c.call("wisp.patch", params, std::chrono::hours(1));
    const auto rationale = result.value("rationale", std::string());
    if (!result.value("ok", false)) {
      print_error("no change proposed" + (rationale.empty() ? std::string() : ": " + rationale));
      return 0;
    }
    std::cout << result.value("patch", std::string()) << std::flush;
    if (!rationale.empty()) std::cerr << rationale << '\n';
    return 0;
  });
}

}  // namespace

void add_patch_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<PatchOptions>();
  auto* cmd = app.add_subcommand("patch", "Print the diff that implements a comment in FILE");
  cmd->add_option("FILE", o->file, "The file holding the comment")->required();
  cmd->add_option("--start", o->start, "First character of the comment (1-based, like Emacs' point)")
      ->required()->check(CLI::PositiveNumber);
  cmd->add_option("--end", o->end, "Character after the comment (exclusive)")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--instruction", o->instruction, "What to do, when the comment alone does not say");
  cmd->add_option("--model", o->model, "Model (default: the server's)");
  cmd->add_option("--socket", o->socket, "Socket path");
  cmd->callback([o, &exit_code] { exit_code = run_patch(*o); });
}

}  // namespace lamp::cli
