// SPDX-License-Identifier: GPL-3.0-or-later
// StreamAssembly: the chat.completion a stream of chat.completion.chunk events amounts to
// (id, model, usage, role, the content joined, the finish reason), built event by event.
#pragma once

#include "proto/jsonrpc.hpp"

#include <string>

namespace lamp::upstream {

using proto::json;

class StreamAssembly {
 public:
  // What one event was.
  enum class Event {
    ignored,         // a chunk without a delta (or the [DONE] marker)
    delta,           // a chunk with choices[0].delta, now in `last_delta()`
    not_json,        // data that is not a JSON object
    upstream_error,  // an {"error": ...} object sent in the stream
  };

  // `model` stands in for a stream that never names its model.
  explicit StreamAssembly(json model) : model_(std::move(model)) {}

  // One event's data (the SSE payload).
  Event add(const std::string& data);
  const json& last_delta() const { return last_delta_; }
  // Whether the stream said it is complete: [DONE], or a finish reason.
  bool complete() const { return done_marker_ || !finish_reason_.is_null(); }
  // The chat.completion object of everything added so far.
  json result() const;

 private:
  json model_;
  bool done_marker_ = false;
  json meta_ = json::object();  // id, created, model, usage, system_fingerprint
  std::string role_ = "assistant";
  std::string content_;
  json finish_reason_ = nullptr;
  json last_delta_ = nullptr;
};

}  // namespace lamp::upstream
