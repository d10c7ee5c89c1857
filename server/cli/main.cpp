// SPDX-License-Identifier: GPL-3.0-or-later
// lamp: the JSON-RPC server (`lamp serve`) and its command-line client.
#include "cli/commands.hpp"

#include <csignal>
#include <iostream>

namespace lamp::cli {

void print_error(const std::string& message) { std::cerr << "lamp: " << message << '\n'; }

}  // namespace lamp::cli

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a vanished peer is an error code, not a dead process
  CLI::App app{"lamp: JSON-RPC server for wisp, Emacs and acp.el, and its command-line client"};
  app.set_version_flag("--version", std::string("lamp ") + LAMP_VERSION);
  // At most one; "none" is refused after parsing, so that `lamp --version` works alone.
  app.require_subcommand(0, 1);
  int exit_code = 0;
  lamp::cli::add_serve_command(app, exit_code);
  lamp::cli::add_info_commands(app, exit_code);
  lamp::cli::add_chat_command(app, exit_code);
  lamp::cli::add_patch_command(app, exit_code);
  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) throw CLI::RequiredError("A subcommand");
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
