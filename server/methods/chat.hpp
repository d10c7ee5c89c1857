// SPDX-License-Identifier: GPL-3.0-or-later
// The chat.completions method: forwards to the upstream through ChatService, with
// `$/progress` and (when streaming) `chat.delta` notifications to the caller.
#pragma once

#include "rpc/registry.hpp"
#include "upstream/chat_service.hpp"

namespace lamp::methods {

void register_chat(rpc::MethodRegistry& registry, upstream::ChatService& chat);

// Handlers that report a job's progress to `call` as `$/progress` notifications and complete
// the call with the job's outcome. Shared by every method that runs a chat job for a caller.
upstream::ChatHandlers call_handlers(const std::shared_ptr<rpc::Call>& call);

}  // namespace lamp::methods
