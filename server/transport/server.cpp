// SPDX-License-Identifier: GPL-3.0-or-later
// Server implementation: accept loop, connection bookkeeping and graceful shutdown.
#include "transport/server.hpp"

#include "log.hpp"
#include "transport/peer_check.hpp"

#include <sys/socket.h>
#include <unistd.h>

namespace lamp::transport {

using namespace std::chrono_literals;
using Protocol = boost::asio::local::stream_protocol;

Server::Server(boost::asio::io_context& io, ServerOptions options,
               const rpc::MethodRegistry& registry, rpc::DispatchStats& stats)
    : io_(io),
      options_(std::move(options)),
      registry_(registry),
      stats_(stats),
      acceptor_(io),
      timer_(io) {}

Server::~Server() {
  for (auto& [_, conn] : std::exchange(connections_, {})) conn->close();
}

void Server::start() {
  socket_file_.emplace(options_.socket_path);
  const int fd = socket_file_->bind_and_listen(SOMAXCONN);
  acceptor_.assign(Protocol(), fd);
  acceptor_.non_blocking(true);  // for draining the backlog in accept(); async_accept is unaffected
  log::info("listening on ", options_.socket_path);
  accept();
}

void Server::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, Protocol::socket socket) {
    if (stopping_ || ec == boost::asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors or similar: back off instead of spinning, keep serving.
      log::warn("accept failed: ", ec.message());
      timer_.expires_after(100ms);
      timer_.async_wait([this](const boost::system::error_code& e) {
        if (!e && !stopping_) accept();
      });
      return;
    }
    take(std::move(socket));
    // Under load this handler runs once per pass over every ready connection: take the whole
    // backlog now, or the thousandth client waits a thousand passes for its first reply.
    for (int i = 0; i < kAcceptBatch && !stopping_; ++i) {
      boost::system::error_code again;
      auto next = acceptor_.accept(again);
      if (again) break;  // would_block; a real error shows up in the next async_accept
      take(std::move(next));
    }
    accept();
  });
}

void Server::take(Protocol::socket socket) {
  if (!admit(socket)) return;
  // The connection does its own I/O on readiness waits (see readiness.hpp), so asio's socket
  // lets go of the descriptor.
  proto::UniqueFd fd(socket.release());
  auto conn = std::make_shared<Connection>(std::move(fd), io_.get_executor(), registry_,
                                           stats_, options_.limits, *read_buffer_,
                                           [this](Connection* c) {
                                             // Deferred: the connection may be mid-callback.
                                             boost::asio::post(io_, [this, c] {
                                               connections_.erase(c);
                                               if (stopping_ && connections_.empty()) finish();
                                             });
                                           });
  connections_.emplace(conn.get(), conn);
  conn->start();
}

bool Server::admit(Protocol::socket& socket) {
  const uid_t own_uid = ::geteuid();
  const auto peer = peer_credentials(socket.native_handle());
  const auto reason = peer_refusal(peer, own_uid);
  if (!reason) return true;
  if (peer) {
    log::warn("refused a connection from uid ", peer->uid, " (pid ", peer->pid, ")");
  } else {
    log::warn("refused a connection whose credentials cannot be read");
  }
  // One line the client can show, then close without reading anything it sent. The line is
  // far smaller than a fresh socket's buffer, so a non-blocking send never cuts it short.
  const std::string line = refusal_line(peer, own_uid, *reason);
  [[maybe_unused]] const auto n =
      ::send(socket.native_handle(), line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  boost::system::error_code ignored;
  socket.close(ignored);
  return false;
}

void Server::shutdown(std::function<void()> on_stopped) {
  if (stopping_) return;
  stopping_ = true;
  on_stopped_ = std::move(on_stopped);
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  timer_.cancel();
  log::info("shutting down; ", stats_.in_flight.load(), " request(s) in flight");
  for (auto& [_, conn] : connections_) conn->stop_reading();
  drain(std::chrono::steady_clock::now() + options_.drain_timeout);
}

void Server::drain(std::chrono::steady_clock::time_point deadline) {
  if (connections_.empty()) {
    finish();
    return;
  }
  if (std::chrono::steady_clock::now() >= deadline) {
    log::warn("drain timeout: closing ", connections_.size(), " connection(s)");
    for (auto& [_, conn] : std::unordered_map(connections_)) conn->close();
    return;  // the close handlers erase them and call finish()
  }
  timer_.expires_after(20ms);
  timer_.async_wait([this, deadline](const boost::system::error_code&) { drain(deadline); });
}

void Server::finish() {
  if (!on_stopped_) return;
  timer_.cancel();
  socket_file_.reset();  // removes our socket
  log::info("stopped");
  std::exchange(on_stopped_, nullptr)();
}

}  // namespace lamp::transport
