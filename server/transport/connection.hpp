// SPDX-License-Identifier: GPL-3.0-or-later
// Connection: one client on the Unix socket. Reads bytes, splits frames, hands them to its
// Dispatcher, and writes replies with coalescing and a bounded output buffer.
#pragma once

#include "proto/frame_splitter.hpp"
#include "rpc/dispatcher.hpp"

#include <boost/asio/local/stream_protocol.hpp>

#include <array>
#include <functional>
#include <memory>
#include <string>

namespace lamp::transport {

struct ConnectionLimits {
  std::size_t max_message_bytes = 16u << 20;
  // A client that stops reading is dropped once this much output is waiting for it.
  std::size_t max_output_bytes = 64u << 20;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Socket = boost::asio::local::stream_protocol::socket;
  using ClosedHandler = std::function<void(Connection*)>;
  // Shared by every connection of one event loop thread.
  using ReadBuffer = std::array<char, 64 * 1024>;

  Connection(Socket socket, const rpc::MethodRegistry& registry, rpc::DispatchStats& stats,
             ConnectionLimits limits, ReadBuffer& scratch, ClosedHandler on_closed);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();
  // Stops reading; closes once pending output is written. Calls in flight still reply.
  void stop_reading();
  // Closes at once: calls in flight are abandoned.
  void close();
  std::size_t in_flight() const { return dispatcher_ ? dispatcher_->in_flight() : 0; }

 private:
  void read();
  bool peer_hung_up();
  void write(std::string bytes);
  void flush();

  Socket socket_;
  ReadBuffer& scratch_;
  ConnectionLimits limits_;
  proto::FrameSplitter splitter_;
  std::shared_ptr<rpc::Dispatcher> dispatcher_;
  ClosedHandler on_closed_;
  std::string pending_;  // output not yet handed to the socket
  std::string writing_;  // output being written
  bool reading_stopped_ = false;
  bool closed_ = false;
};

}  // namespace lamp::transport
