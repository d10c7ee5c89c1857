// SPDX-License-Identifier: GPL-3.0-or-later
// Call: one request in flight, handed to a method handler. Replies, notifications and
// cancellation are thread-safe; completion always happens on the connection's executor.
#pragma once

#include "proto/frame_splitter.hpp"
#include "proto/jsonrpc.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace lamp::rpc {

using proto::json;
class Dispatcher;

// The event loop that owns connections. Its concrete type, not any_io_executor: completing a
// call on it is then a direct call, with no type-erased executor built per reply.
using Executor = boost::asio::io_context::executor_type;

class Call : public std::enable_shared_from_this<Call> {
 public:
  // Called once on completion with the serialized reply (empty for notifications).
  // Executor thread.
  using Sink = std::function<void(std::string reply)>;
  // Writes a notification to the caller's connection (nothing once it is gone). Executor thread.
  using Notifier = std::function<void(const json& notification, proto::Framing framing)>;

  Call(Executor executor, proto::Request request, proto::Framing framing,
       std::weak_ptr<Dispatcher> peer, Sink sink, Notifier notifier = {});

  const std::string& method() const { return request_.method; }
  const json& params() const { return request_.params; }
  const json& id() const { return request_.id; }
  bool is_notification() const { return request_.notification; }
  proto::Framing framing() const { return framing_; }
  Executor executor() const { return executor_; }
  std::chrono::steady_clock::time_point started() const { return started_; }
  // The connection that made this call; empty once it is gone.
  std::shared_ptr<Dispatcher> peer() const { return peer_.lock(); }

  // Complete the call. Safe from any thread; only the first completion counts.
  void reply(json result);
  void fail(const proto::RpcError& error);
  // Send a notification to the caller's connection. Safe from any thread.
  void notify(std::string method, json params);

  // True once the call has replied, failed, been cancelled or abandoned.
  bool done() const { return done_.load(std::memory_order_acquire); }
  // Runs on the executor when the call is cancelled or its connection goes away. Register from
  // the executor thread; runs at once if that already happened.
  void on_cancel(std::function<void()> fn);

  // Executor thread only: end with -32800 (cancel) or with no reply at all (peer gone).
  void cancel();
  void abandon();

 private:
  void complete(std::string reply);

  Executor executor_;
  proto::Request request_;
  proto::Framing framing_;
  std::weak_ptr<Dispatcher> peer_;
  Sink sink_;
  Notifier notifier_;
  std::atomic<bool> done_{false};
  bool cancelled_ = false;
  std::vector<std::function<void()>> cancel_handlers_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace lamp::rpc
