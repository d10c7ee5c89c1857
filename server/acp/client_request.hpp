// SPDX-License-Identifier: GPL-3.0-or-later
// Requests from lamp to the ACP client on the prompt's own connection (fs/read_text_file,
// fs/write_text_file, session/request_permission), with the reply as a value or an error.
#pragma once

#include "proto/jsonrpc.hpp"
#include "rpc/call.hpp"

#include <functional>
#include <memory>
#include <string>
#include <variant>

namespace lamp::acp {

using proto::json;
// The result ({} when the client answered null, as the schema allows either) or the error.
using ClientReply = std::variant<json, proto::RpcError>;

// Executor thread. `done` runs once, also when the connection closes first (-32800).
void ask_client(const std::shared_ptr<rpc::Call>& call, std::string method, json params,
                std::function<void(ClientReply)> done);

}  // namespace lamp::acp
