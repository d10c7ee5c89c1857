// SPDX-License-Identifier: GPL-3.0-or-later
// Connection: one client on the Unix socket. Reads bytes when the socket is readable, splits
// frames, hands them to its Dispatcher, and writes replies through one bounded output buffer.
#pragma once

#include "proto/frame_splitter.hpp"
#include "proto/unique_fd.hpp"
#include "rpc/dispatcher.hpp"
#include "transport/readiness.hpp"

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
  using ClosedHandler = std::function<void(Connection*)>;
  // Shared by every connection of one event loop thread.
  using ReadBuffer = std::array<char, 64 * 1024>;

  // `socket` is a connected, non-blocking stream socket; the connection owns it.
  Connection(proto::UniqueFd socket, rpc::Executor executor, const rpc::MethodRegistry& registry,
             rpc::DispatchStats& stats, ConnectionLimits limits, ReadBuffer& scratch,
             ClosedHandler on_closed);
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
  void wait_readable();
  // A continuation that clears `waiting` and runs `next`, if the connection still exists.
  auto resume(bool& waiting, void (Connection::*next)());
  // Runs `next` once `event` may have happened, unless `waiting` says a wait is already pending.
  void wait(Readiness::Event event, bool& waiting, void (Connection::*next)());
  void on_readable();
  void read();
  bool peer_hung_up() const;
  void write(std::string bytes);
  // Sends what the output buffer holds until it is empty or the socket is full.
  void flush();

  proto::UniqueFd socket_;
  rpc::Executor executor_;
  Readiness readiness_;  // after socket_: forgets the descriptor before it is closed
  ReadBuffer& scratch_;
  ConnectionLimits limits_;
  proto::FrameSplitter splitter_;
  std::shared_ptr<rpc::Dispatcher> dispatcher_;
  ClosedHandler on_closed_;
  std::string output_;         // replies not yet taken by the socket, from output_sent_ on
  std::size_t output_sent_ = 0;
  bool read_waiting_ = false;   // a readable wait or another read pass is pending
  bool write_waiting_ = false;  // output waits for room in the socket
  // While a read's frames are dispatched, replies ready at once gather and go in one send.
  bool gathering_ = false;
  bool reading_stopped_ = false;
  bool closed_ = false;
};

}  // namespace lamp::transport
