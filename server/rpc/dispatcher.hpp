// SPDX-License-Identifier: GPL-3.0-or-later
// Dispatcher: the JSON-RPC side of one connection. Turns frames into calls (single or batch),
// tracks calls in flight for cancellation, routes replies to server-initiated requests.
#pragma once

#include "proto/frame_splitter.hpp"
#include "proto/jsonrpc.hpp"
#include "rpc/call.hpp"
#include "rpc/registry.hpp"


#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

namespace lamp::rpc {

// Server-wide counters shared by every connection's dispatcher.
struct DispatchStats {
  std::atomic<std::uint64_t> requests_total{0};
  std::atomic<std::int64_t> in_flight{0};
};

class Dispatcher : public std::enable_shared_from_this<Dispatcher> {
 public:
  // Receives framed bytes for the peer, in order. Executor thread.
  using Writer = std::function<void(std::string bytes)>;
  using ReplyHandler = std::function<void(proto::Response)>;

  Dispatcher(const MethodRegistry& registry, Executor executor,
             DispatchStats& stats, std::size_t max_message_bytes, Writer writer);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Everything below runs on the executor thread.
  void on_frame(proto::Frame frame);
  void send(const json& message, proto::Framing framing);
  void send_text(std::string_view body, proto::Framing framing);
  // Cancels every call in flight with this id (`$/cancelRequest`).
  void cancel(const json& id);
  // Sends a server-initiated request; `on_reply` gets the peer's answer, or an error response
  // with code -32800 if the connection closes first.
  void request(std::string method, json params, proto::Framing framing, ReplyHandler on_reply);
  // The peer is gone: calls in flight are abandoned, pending requests fail.
  void close();
  std::size_t in_flight() const { return calls_.size(); }

 private:
  class Batch;
  using Sink = std::function<void(std::string reply)>;

  void handle(json message, proto::Framing framing, const Sink& sink);
  void start(proto::Request request, proto::Framing framing, Sink sink);
  void finished(std::uint64_t serial);

  const MethodRegistry& registry_;
  Executor executor_;
  DispatchStats& stats_;
  std::size_t max_message_bytes_;
  Writer writer_;
  bool closed_ = false;
  std::uint64_t next_serial_ = 0;
  std::unordered_map<std::uint64_t, std::shared_ptr<Call>> calls_;
  std::int64_t next_request_id_ = 1;
  std::unordered_map<std::string, ReplyHandler> pending_;
};

}  // namespace lamp::rpc
