// SPDX-License-Identifier: GPL-3.0-or-later
// `lamp patch FILE --line L` (or `--start N --end M`, or `--all-marked`): asks wisp.patch for
// the change a comment describes (or every marked comment, as `selections`) and prints the
// unified diff, so `lamp patch f.py --line 12 | patch -p1` works from the project root (the
// current directory).
#include "cli/client_call.hpp"
#include "cli/comment_block.hpp"
#include "cli/marked_comments.hpp"
#include "cli/source_language.hpp"
#include "patch/positions.hpp"
#include "patch/request.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
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
  std::int64_t line = 0;
  bool all_marked = false;
  std::string instruction;
  std::string model;
};

int run_patch(const PatchOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    print_error("cannot read " + o.file);
    return 1;
  }
  std::ostringstream read;
  read << in.rdbuf();
  const std::string text = read.str();
  const auto language = language_of(o.file);
  std::int64_t start = o.start;
  std::int64_t end = o.end;
  json selections;
  if (o.all_marked) {
    const auto found = marked_comments(text, language);
    if (found.empty()) {
      print_error(o.file + " has no marked " + language.name +
                  " comment (a comment starting with \"wisp:\" or ending with \"AI!\")");
      return 1;
    }
    selections = json::array();
    try {
      for (const TextRange& range : found) {
        selections.push_back({{"start_pos", patch::to_position(text, range.begin)},
                              {"end_pos", patch::to_position(text, range.end)}});
      }
      patch::count_code_points(text);  // not UTF-8: wisp.patch would refuse it too
    } catch (const std::exception& e) {
      print_error(o.file + ": " + e.what());
      return 1;
    }
    if (selections.size() > patch::kMaxSelections) {
      print_error(o.file + " has " + std::to_string(selections.size()) + " marked comments; wisp.patch takes at most " +
                  std::to_string(patch::kMaxSelections) + " at once");
      return 1;
    }
  } else if (o.line > 0) {
    const auto block = comment_block_at_line(text, language, static_cast<std::size_t>(o.line));
    if (!block) {
      print_error("line " + std::to_string(o.line) + " of " + o.file + " holds no " + language.name +
                  " comment; put the instruction in a comment there, or pass --start/--end");
      return 1;
    }
    try {
      start = patch::to_position(text, block->begin);
      end = patch::to_position(text, block->end);
    } catch (const std::exception& e) {  // not UTF-8: wisp.patch would refuse it too
      print_error(o.file + ": " + e.what());
      return 1;
    }
  } else if (o.start == 0 || o.end == 0) {
    print_error("say which comment to implement: --line L, --start N --end M, or --all-marked");
    return 2;
  }
  json params = {
      {"file_path", std::filesystem::absolute(o.file).lexically_normal().string()},
      {"language", language.name},
      {"comment_style", language.comment_style},
      {"buffer_text", text},
      {"context", {{"project_root", std::filesystem::current_path().string()}}},
  };
  if (o.all_marked) params["selections"] = std::move(selections);
  else params["selection"] = {{"start_pos", start}, {"end_pos", end}};
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
    // What lamp's check found still wrong in the proposal (docs/protocol.md, Checks), as
    // compilers say it: REL:LINE: message.
    if (const auto diagnostics = result.find("diagnostics"); diagnostics != result.end() && diagnostics->is_array()) {
      for (const auto& d : *diagnostics) {
        std::cerr << d.value("file", std::string()) << ':' << d.value("line", std::int64_t{0})
                  << ": " << d.value("message", std::string()) << '\n';
      }
    }
    return 0;
  });
}

}  // namespace

void add_patch_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<PatchOptions>();
  auto* cmd = app.add_subcommand("patch", "Print the diff that implements a comment (or every marked comment) in FILE");
  cmd->add_option("FILE", o->file, "The file holding the comment")->required();
  auto* line = cmd->add_option("--line", o->line,
                                "A line of the comment to implement (1-based); its whole comment block is sent")
                   ->check(CLI::PositiveNumber);
  auto* start = cmd->add_option("--start", o->start, "First character of the comment (1-based, like Emacs' point)")
                    ->check(CLI::PositiveNumber);
  auto* end = cmd->add_option("--end", o->end, "Character after the comment (exclusive)")->check(CLI::PositiveNumber);
  start->needs(end);
  end->needs(start);
  line->excludes(start)->excludes(end);
  auto* all = cmd->add_flag("--all-marked", o->all_marked,
                            "Send every marked comment of FILE (starting with \"wisp:\" or ending with \"AI!\") at once");
  all->excludes(line)->excludes(start)->excludes(end);
  cmd->add_option("--instruction", o->instruction, "What to do, when the comment alone does not say");
  cmd->add_option("--model", o->model, "Model (default: the server's)");
  cmd->add_option("--socket", o->socket, "Socket path");
  cmd->callback([o, &exit_code] { exit_code = run_patch(*o); });
}

}  // namespace lamp::cli
