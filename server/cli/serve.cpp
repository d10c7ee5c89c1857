// SPDX-License-Identifier: GPL-3.0-or-later
// `lamp serve`: wires configuration, methods and the socket server, and runs the event loop
// until SIGINT/SIGTERM.
#include "acp/agent.hpp"
#include "app/config.hpp"
#include "app/context.hpp"
#include "check/sandbox.hpp"
#include "cli/commands.hpp"
#include "log.hpp"
#include "methods/chat.hpp"
#include "methods/core.hpp"
#include "methods/wisp_patch.hpp"
#include "methods/wisp_rebase.hpp"
#include "proto/socket_path.hpp"
#include "transport/server.hpp"

#include <boost/asio/signal_set.hpp>
#include <sys/prctl.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace lamp::cli {
namespace {

struct ServeOptions {
  std::string socket;
  std::size_t max_message_bytes = 16u << 20;
  std::size_t max_output_bytes = 0;  // 0: 64 MiB or 4 × the message limit
  bool test_methods = false;
  bool dumpable = false;  // keep core dumps and same-user ptrace (debugging only)
};

// The key now lives in Config only. Drop it from the environment (/proc/PID/environ, any child)
// and make the process non-dumpable: no core file holds the key, and processes of the same user
// cannot ptrace lamp or read its memory through /proc.
void protect_the_key(bool dumpable) {
  app::scrub_environment_variable("OPENAI_API_KEY");
  if (dumpable) {
    log::warn("--dumpable: core dumps and debuggers can see the API key");
    return;
  }
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    log::warn("cannot make the process non-dumpable: ", std::strerror(errno));
  }
}

int serve(const ServeOptions& opts) {
  app::Config config;
  try {
    config = app::Config::from_env();
  } catch (const std::invalid_argument& e) {
    print_error(e.what());
    return 2;
  }
  protect_the_key(opts.dumpable);
  boost::asio::io_context io(1);
  app::ServerContext ctx(io, std::move(config));
  rpc::MethodRegistry registry;
  methods::register_core(registry, ctx);
  if (opts.test_methods) methods::register_test_methods(registry);
  // Declared before the server so that connections closing at exit can still cancel jobs.
  boost::asio::thread_pool cpu(2);  // reply repair and diffing for wisp.patch
  upstream::ChatService chat(io.get_executor(), ctx);
  methods::register_chat(registry, chat);
  check::CheckOptions checks;  // docs/protocol.md, Checks
  checks.time_limit = std::chrono::seconds(ctx.config.check_timeout_s);
  (void)check::network_isolation();  // probed once now, not during the first request
  methods::ProjectContext project({static_cast<std::size_t>(ctx.config.repo_map_bytes),
                                   static_cast<std::size_t>(ctx.config.full_file_bytes), ""});
  ctx.project_context = [&project] { return project.describe(); };
  methods::register_wisp_patch(registry, chat, cpu, checks, project);
  methods::register_wisp_rebase(registry, cpu);
  acp::Agent acp_agent(registry, chat, cpu);  // ACP methods; owns the sessions (docs/acp.md)

  transport::ServerOptions server_options;
  server_options.socket_path = proto::resolve_socket_path(opts.socket);
  server_options.limits.max_message_bytes = opts.max_message_bytes;
  server_options.limits.max_output_bytes =
      opts.max_output_bytes != 0 ? opts.max_output_bytes
                                 : std::max<std::size_t>(64u << 20, 4 * opts.max_message_bytes);
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
  cmd->add_option("--max-output-bytes", opts->max_output_bytes,
                  "Output waiting for one client before it is dropped (default: 64 MiB or 4 x the message limit)")
      ->check(CLI::Range(std::size_t{65536}, std::size_t{1} << 40));
  cmd->add_flag("--enable-test-methods", opts->test_methods,
                "Also serve test.sleep, test.echo and test.notify (for test suites)");
  cmd->add_flag("--dumpable", opts->dumpable,
                "Stay dumpable (core files, same-user debuggers and /proc/PID/fd); they can see the API key");
  cmd->callback([opts, &exit_code] { exit_code = serve(*opts); });
}

}  // namespace lamp::cli
