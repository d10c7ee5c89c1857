// SPDX-License-Identifier: GPL-3.0-or-later
// ChatService: runs OpenAI-compatible chat completions for any caller (the chat.completions
// method, wisp.patch, ACP): model rules, bounded concurrency, retries, streaming, cancel.
#pragma once

#include "app/context.hpp"
#include "proto/jsonrpc.hpp"
#include "upstream/chat_job.hpp"
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
