// SPDX-License-Identifier: GPL-3.0-or-later
// Server: accepts clients on the Unix socket and owns their connections; drains in-flight
// calls on shutdown and removes its own socket.
#pragma once

#include "rpc/dispatcher.hpp"
#include "transport/connection.hpp"
#include "transport/socket_file.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

namespace lamp::transport {

struct ServerOptions {
  std::string socket_path;
  ConnectionLimits limits;
  std::chrono::milliseconds drain_timeout{5000};
};

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, const rpc::MethodRegistry& registry,
         rpc::DispatchStats& stats);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Claims the socket and starts accepting. Throws StartupError.
  void start();
  // Stops accepting, lets calls in flight finish (up to drain_timeout), closes every
  // connection and removes the socket; `on_stopped` runs when all of that is done.
  void shutdown(std::function<void()> on_stopped);
  std::size_t connections() const { return connections_.size(); }
  const std::string& socket_path() const { return options_.socket_path; }

 private:
  void accept();
  // Admits one accepted client and starts serving it.
  void take(boost::asio::local::stream_protocol::socket socket);
  // Serves only peers with the server's uid (SO_PEERCRED); refuses others with one error line.
  bool admit(boost::asio::local::stream_protocol::socket& socket);
  void drain(std::chrono::steady_clock::time_point deadline);
  void finish();

  boost::asio::io_context& io_;
  ServerOptions options_;
  const rpc::MethodRegistry& registry_;
  rpc::DispatchStats& stats_;
  std::optional<SocketFile> socket_file_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer timer_;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;
  std::unique_ptr<Connection::ReadBuffer> read_buffer_ = std::make_unique<Connection::ReadBuffer>();
  std::function<void()> on_stopped_;
  bool stopping_ = false;
  static constexpr int kAcceptBatch = 256;  // clients taken per accept wake-up, at most
};

}  // namespace lamp::transport
