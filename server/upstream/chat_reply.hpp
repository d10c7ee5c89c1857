// SPDX-License-Identifier: GPL-3.0-or-later
// ChatReply: a chat completion as its callers use it (the answer's text, why it stopped, the
// model, token usage), with the raw response kept for those that pass it on unchanged.
#pragma once

#include "proto/jsonrpc.hpp"

#include <string>

namespace lamp::upstream {

using proto::json;

struct ChatReply {
  std::string content;        // choices[0].message.content; "" when absent or not a string
  json finish_reason;         // "stop", "length", ... or null
  std::string model;          // as the provider reports it; "" when it does not
  json usage;                 // the provider's usage object, or null
  json raw;                   // the whole chat.completion object

  // Reads an OpenAI-compatible chat.completion object; odd shapes give empty fields.
  static ChatReply from_response(json response);
};

}  // namespace lamp::upstream
