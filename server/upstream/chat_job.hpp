// SPDX-License-Identifier: GPL-3.0-or-later
// ChatJob: one chat completion through queue, attempts, backoff and (optionally) a stream.
// Lives on the server's executor; the transport thread only ever holds a weak reference.
#pragma once

#include "app/context.hpp"
#include "proto/jsonrpc.hpp"
#include "upstream/chat_reply.hpp"
#include "upstream/curl_transport.hpp"
#include "upstream/retry_policy.hpp"
#include "upstream/scheduler.hpp"
#include "upstream/sse_parser.hpp"
#include "upstream/stream_assembly.hpp"
#include "upstream/upstream_errors.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <variant>

namespace lamp::upstream {

using proto::json;

struct ChatHandlers {
  // "queued", "upstream" or "streaming", with an optional detail such as "attempt 2 of 5".
  std::function<void(const std::string& stage, const std::string& detail)> on_progress;
  // Streaming only: choices[0].delta of each chunk, in order.
  std::function<void(const json& delta)> on_delta;
  // Exactly once, unless the job is cancelled: the reply (a streamed one assembled) or the error.
  std::function<void(std::variant<ChatReply, proto::RpcError> outcome)> on_done;
};

// What a ChatJob uses of the service that runs it.
struct ChatJobDeps {
  boost::asio::any_io_executor executor;
  const app::Config& config;
  app::UpstreamStats& stats;
  const RetryPolicy& policy;
  std::mt19937_64& rng;
  UpstreamScheduler& scheduler;
  CurlTransport& transport;
};

class ChatJob : public std::enable_shared_from_this<ChatJob> {
 public:
  ChatJob(ChatJobDeps deps, json body, ChatHandlers handlers);

  void submit();
  // Executor thread: abort at once (queue, backoff or transfer); no handler runs afterwards.
  void cancel();
  bool finished() const { return finished_; }
  int attempts() const { return attempts_; }

 private:
  void attempt();
  void on_chunk(std::string bytes);
  void on_event(const std::string& data);
  void watch_stream();
  // A transfer ended without a reply: fail with `after_deltas` once deltas went out, else retry
  // (or fail) with `before_deltas`.
  void transfer_failed(const std::string& after_deltas, const std::string& before_deltas);
  void on_response(HttpResponse response);
  void retry_or_fail(std::optional<std::chrono::milliseconds> retry_after, proto::RpcError error);
  void finish_stream();
  void succeed(json result);
  void fail(proto::RpcError error);
  void end();
  long long elapsed_ms() const;

  ChatJobDeps deps_;
  json body_;
  std::string body_text_;
  bool streaming_;
  ChatHandlers handlers_;
  UpstreamErrors errors_;
  std::shared_ptr<ChatJob> self_;  // alive until finished or cancelled
  UpstreamScheduler::SlotPtr slot_;
  std::uint64_t ticket_ = 0;
  std::optional<CurlTransport::TransferId> transfer_;
  boost::asio::steady_timer backoff_timer_;
  boost::asio::steady_timer stall_timer_;  // streaming: no complete event for timeout_s
  std::chrono::steady_clock::time_point started_{};
  std::chrono::steady_clock::time_point deadline_{};
  int attempts_ = 0;
  bool finished_ = false;

  // Streaming: the events of the current attempt, and what they amount to.
  SseParser sse_;
  StreamAssembly stream_;
  std::size_t deltas_sent_ = 0;
};

}  // namespace lamp::upstream
