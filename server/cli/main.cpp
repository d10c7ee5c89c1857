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
  app.require_subcommand(1);
  int exit_code = 0;
  lamp::cli::add_serve_command(app, exit_code);
  lamp::cli::add_info_commands(app, exit_code);
  lamp::cli::add_chat_command(app, exit_code);
  lamp::cli::add_patch_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
