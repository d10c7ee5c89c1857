// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers shared by the client subcommands: connect, run, and turn failures into one line.
#pragma once

#include "cli/commands.hpp"
#include "client/rpc_client.hpp"
#include "proto/socket_path.hpp"

namespace lamp::cli {

// One line for an error reply, naming the cause and, where it helps, what to do.
std::string describe_error(const proto::RpcError& error);

// Runs `fn` with a client connected to the resolved socket; connection and RPC failures are
// printed as one line and give exit status 1.
template <typename Fn>
int with_client(const std::string& socket, Fn&& fn) {
  try {
    client::RpcClient client(proto::resolve_socket_path(socket));
    return fn(client);
  } catch (const client::ConnectionError& e) {
    print_error(e.what());
  } catch (const proto::RpcError& e) {
    print_error(describe_error(e));
  }
  return 1;
}

}  // namespace lamp::cli
