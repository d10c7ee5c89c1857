// SPDX-License-Identifier: GPL-3.0-or-later
// `lamp serve`: wires configuration, methods and the socket server, and runs the event loop
// until SIGINT/SIGTERM.
#include "acp/agent.hpp"
#include "app/config.hpp"
#include "app/context.hpp"
#include "cli/commands.hpp"
#include "log.hpp"
#include "methods/chat.hpp"
#include "methods/core.hpp"
#include "methods/wisp_patch.hpp"
#include "proto/socket_path.hpp"
#include "transport/server.hpp"

#include <boost/asio/signal_set.hpp>

#include <csignal>

namespace lamp::cli {
namespace {

struct ServeOptions {
  std::string socket;
  std::size_t max_message_bytes = 16u << 20;
  bool test_methods = false;
};

int serve(const ServeOptions& opts) {
  app::Config config;
  try {
    config = app::Config::from_env();
  } catch (const std::invalid_argument& e) {
    print_error(e.what());
    return 2;
  }
  boost::asio::io_context io(1);
  app::ServerContext ctx(io, std::move(config));
  rpc::MethodRegistry registry;
  methods::register_core(registry, ctx);
  if (opts.test_methods) methods::register_test_methods(registry);
  // Declared before the server so that connections closing at exit can still cancel jobs.
  boost::asio::thread_pool cpu(2);  // reply repair and diffing for wisp.patch
  upstream::ChatService chat(io.get_executor(), ctx);
  methods::register_chat(registry, chat);
  methods::register_wisp_patch(registry, chat, cpu);
  acp::Agent acp_agent(registry, chat, cpu);  // ACP methods; owns the sessions (docs/acp.md)

  transport::ServerOptions server_options;
  server_options.socket_path = proto::resolve_socket_path(opts.socket);
  server_options.limits.max_message_bytes = opts.max_message_bytes;
  server_options.limits.max_output_bytes = std::max<std::size_t>(64u << 20, 4 * opts.max_message_bytes);
  transport::Server server(io, server_options, registry, ctx.dispatch);
  ctx.connections = [&server] { return server.connections(); };
  try {
    server.start();
  } catch (const transport::StartupError& e) {
    print_error(e.what());
    return 1;
  }

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        // First signal: graceful drain. A second one: stop at once.
        signals.async_wait([&io](const boost::system::error_code& e, int) {
          if (!e) io.stop();
        });
        server.shutdown([&] {
          signals.cancel();
          io.stop();
        });
      };
  signals.async_wait(on_signal);
  io.run();
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Run the lamp server on a Unix socket");
  cmd->add_option("--socket", opts->socket, "Socket path (default: $LAMP_UDS, $XDG_RUNTIME_DIR/lamp/lamp.sock, /tmp/lamp-$UID/lamp.sock)");
  cmd->add_option("--max-message-bytes", opts->max_message_bytes, "Largest accepted message")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 31));
  cmd->add_flag("--enable-test-methods", opts->test_methods,
                "Also serve test.sleep, test.echo and test.notify (for test suites)");
  cmd->callback([opts, &exit_code] { exit_code = serve(*opts); });
}

}  // namespace lamp::cli
