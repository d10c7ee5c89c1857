// SPDX-License-Identifier: GPL-3.0-or-later
// chat.completions (docs/protocol.md, Methods).
#include "methods/chat.hpp"

#include "upstream/chat_job.hpp"

namespace lamp::methods {

using proto::json;

upstream::ChatHandlers call_handlers(const std::shared_ptr<rpc::Call>& call) {
  std::weak_ptr<rpc::Call> weak = call;
  upstream::ChatHandlers h;
  h.on_progress = [weak](const std::string& stage, const std::string& detail) {
    auto c = weak.lock();
    if (!c || c->is_notification()) return;
    json params = {{"request_id", c->id()}, {"stage", stage}};
    if (!detail.empty()) params["detail"] = detail;
    c->notify("$/progress", std::move(params));
  };
  h.on_done = [weak](std::variant<upstream::ChatReply, proto::RpcError> outcome) {
    auto c = weak.lock();
    if (!c) return;
    if (auto* result = std::get_if<upstream::ChatReply>(&outcome)) {
      c->reply(std::move(result->raw));
    } else {
      c->fail(std::get<proto::RpcError>(outcome));
    }
  };
  return h;
}

void register_chat(rpc::MethodRegistry& registry, upstream::ChatService& chat) {
  registry.add("chat.completions", [&chat](const std::shared_ptr<rpc::Call>& call) {
    auto handlers = call_handlers(call);
    handlers.on_delta = [weak = std::weak_ptr<rpc::Call>(call), index = std::int64_t{0}](const json& delta) mutable {
      auto c = weak.lock();
      if (!c || c->is_notification()) return;
      c->notify("chat.delta", {{"request_id", c->id()}, {"index", index++}, {"delta", delta}});
    };
    auto job = chat.start(call->params(), std::move(handlers));
    call->on_cancel([job] { job->cancel(); });
  });
}

}  // namespace lamp::methods
