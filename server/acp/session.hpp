// SPDX-License-Identifier: GPL-3.0-or-later
// Session: one ACP conversation, and what its client can do. Owned by the Agent's SessionStore;
// belongs to the connection that created it and lives until that connection is gone.
#pragma once

#include "proto/jsonrpc.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace lamp::rpc {
class Dispatcher;
}

namespace lamp::acp {

using proto::json;

class PromptTurn;

// What the client said it can do in `initialize` (clientCapabilities.fs).
struct ClientCapabilities {
  bool read_text_file = false;
  bool write_text_file = false;
};

struct Session {
  std::string id;
  std::string cwd;  // absolute
  std::weak_ptr<rpc::Dispatcher> owner;
  ClientCapabilities client;
  // The conversation so far as OpenAI chat messages (user and assistant turns, no system).
  json history = json::array();
  // Latest text lamp knows for each file (attached, read or written): what edits start from.
  std::map<std::string, std::string, std::less<>> files;
  // The prompt being answered, if any: one at a time per session.
  std::shared_ptr<PromptTurn> turn;
  std::uint64_t next_tool_call = 1;
};

}  // namespace lamp::acp
