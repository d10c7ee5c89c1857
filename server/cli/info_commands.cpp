// SPDX-License-Identifier: GPL-3.0-or-later
// `lamp ping` and `lamp status`: ask a running server and print the answer.
#include "cli/client_call.hpp"

#include <iostream>

namespace lamp::cli {
namespace {

using proto::json;

void print_status(const json& s) {
  const auto& up = s.at("upstream");
  std::cout << "connections     " << s.at("connections") << '\n'
            << "requests        " << s.at("requests_total") << '\n'
            << "upstream active " << s.at("active") << " of " << s.at("capacity") << '\n'
            << "queued          " << s.at("queued") << " of " << s.at("max_queue") << '\n'
            << "upstream calls  " << up.at("calls") << " (retries " << up.at("retries")
            << ", failures " << up.at("failures") << ")\n"
            << "uptime          " << s.at("uptime_s") << " s\n";
}

}  // namespace

void add_info_commands(CLI::App& app, int& exit_code) {
  auto socket = std::make_shared<std::string>();
  auto* ping = app.add_subcommand("ping", "Check that a lamp server answers");
  ping->add_option("--socket", *socket, "Socket path");
  ping->callback([socket, &exit_code] {
    exit_code = with_client(*socket, [](client::RpcClient& c) {
      std::cout << c.call("ping").get<std::string>() << '\n';
      return 0;
    });
  });

  auto json_output = std::make_shared<bool>(false);
  auto* status = app.add_subcommand("status", "Show the server's load and counters");
  status->add_option("--socket", *socket, "Socket path");
  status->add_flag("--json", *json_output, "Print the raw server.status result");
  status->callback([socket, json_output, &exit_code] {
    exit_code = with_client(*socket, [&](client::RpcClient& c) {
      const json s = c.call("server.status");
      if (*json_output) {
        std::cout << s.dump(2) << '\n';
      } else {
        print_status(s);
      }
      return 0;
    });
  });
}

}  // namespace lamp::cli
