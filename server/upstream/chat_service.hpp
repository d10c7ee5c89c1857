// SPDX-License-Identifier: GPL-3.0-or-later
// ChatService: runs OpenAI-compatible chat completions for any caller (the chat.completions
// method, wisp.patch, ACP): model rules, bounded concurrency, retries, streaming, cancel.
#pragma once

#include "app/context.hpp"
#include "proto/jsonrpc.hpp"
#include "upstream/chat_reply.hpp"
#include "upstream/curl_transport.hpp"
#include "upstream/retry_policy.hpp"
#include "upstream/scheduler.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <variant>

namespace lamp::upstream {

using proto::json;

class ChatJob;

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

class ChatService {
 public:
  ChatService(boost::asio::any_io_executor executor, app::ServerContext& ctx);
  ~ChatService();
  ChatService(const ChatService&) = delete;
  ChatService& operator=(const ChatService&) = delete;

  // Executor thread. `body` is an OpenAI chat-completions request; a missing model gets the
  // default. Throws RpcError for what is wrong before any upstream call (-32005, -32602,
  // -32003). Keep the returned job to cancel it; it runs to completion either way.
  std::shared_ptr<ChatJob> start(json body, ChatHandlers handlers);

  // The effective model for a request, or RpcError(-32005) when not allowed.
  std::string choose_model(const json& body) const;

 private:
  boost::asio::any_io_executor executor_;
  app::ServerContext& ctx_;
  RetryPolicy policy_;
  std::mt19937_64 rng_;
  UpstreamScheduler scheduler_;
  // Created by the first request: an idle server loads no TLS stack and runs no extra thread.
  CurlTransport& transport();
  std::unique_ptr<CurlTransport> transport_;
};

}  // namespace lamp::upstream
