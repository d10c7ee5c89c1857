// SPDX-License-Identifier: GPL-3.0-or-later
// RpcClient: a small blocking JSON-RPC client over the lamp socket (NDJSON), used by the CLI
// and the test suites. One call at a time; notifications are passed to a callback.
#pragma once

#include "proto/frame_splitter.hpp"
#include "proto/jsonrpc.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace lamp::client {

using proto::json;

// The server could not be reached, or the connection broke.
class ConnectionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RpcClient {
 public:
  using NotificationHandler = std::function<void(const json& notification)>;

  // Connects to the socket; throws ConnectionError naming the path and the reason.
  explicit RpcClient(const std::string& socket_path);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  // Sends a request and waits for its reply. Returns the result; throws proto::RpcError for an
  // error reply and ConnectionError on timeout or disconnect.
  json call(const std::string& method, json params = nullptr,
            std::chrono::milliseconds timeout = std::chrono::seconds(30),
            const NotificationHandler& on_notification = {});
  void notify(const std::string& method, json params);
  // The id the next call() will use.
  std::int64_t next_id() const { return next_id_; }

  // Raw access for tests: write bytes as they are, read the next message.
  void send_raw(std::string_view bytes);
  // The next complete message, or nothing on timeout; throws ConnectionError on EOF.
  std::optional<json> read_message(std::chrono::milliseconds timeout);
  // Like read_message, but returns the raw frame (body and framing).
  std::optional<proto::Frame> read_frame(std::chrono::milliseconds timeout);
  int fd() const { return fd_; }

 private:
  std::string path_;
  int fd_ = -1;
  proto::FrameSplitter splitter_{1u << 30};
  std::int64_t next_id_ = 1;
};

}  // namespace lamp::client
