// SPDX-License-Identifier: GPL-3.0-or-later
// Server-initiated requests through the caller's Dispatcher.
#include "acp/client_request.hpp"

#include "rpc/dispatcher.hpp"

namespace lamp::acp {

void ask_client(const std::shared_ptr<rpc::Call>& call, std::string method, json params,
                std::function<void(ClientReply)> done) {
  const auto peer = call->peer();
  if (!peer) {
    done(proto::RpcError(proto::code::cancelled, "connection closed"));
    return;
  }
  peer->request(std::move(method), std::move(params), call->framing(),
                [done = std::move(done)](proto::Response response) {
                  if (response.error.is_null()) {
                    done(response.result.is_null() ? json::object() : std::move(response.result));
                    return;
                  }
                  const json& e = response.error;
                  const auto code = e.is_object() ? e.value("code", json()) : json();
                  const auto message = e.is_object() ? e.value("message", json()) : json();
                  done(proto::RpcError(code.is_number_integer() ? code.get<int>() : proto::code::internal_error,
                                       message.is_string() ? message.get<std::string>() : "client error",
                                       e.is_object() ? e.value("data", json()) : json()));
                });
}

}  // namespace lamp::acp
