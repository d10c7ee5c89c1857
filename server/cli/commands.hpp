// SPDX-License-Identifier: GPL-3.0-or-later
// The `lamp` subcommands. Each file adds its subcommands to the CLI11 app; the callback stores
// the process exit code in `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace lamp::cli {

void add_serve_command(CLI::App& app, int& exit_code);
void add_info_commands(CLI::App& app, int& exit_code);  // ping, status
void add_chat_command(CLI::App& app, int& exit_code);
void add_patch_command(CLI::App& app, int& exit_code);

// Prints "lamp: MESSAGE" on stderr, the one-line error every command uses.
void print_error(const std::string& message);

}  // namespace lamp::cli
