// SPDX-License-Identifier: GPL-3.0-or-later
// Dispatcher implementation: JSON-RPC 2.0 semantics for single messages and batches.
#include "rpc/dispatcher.hpp"

#include "log.hpp"

#include <utility>
#include <vector>

namespace lamp::rpc {

using proto::RpcError;
namespace code = proto::code;

// Collects the replies of a batch and sends them as one array when the last item completes.
class Dispatcher::Batch {
 public:
  Batch(std::weak_ptr<Dispatcher> owner, proto::Framing framing, std::size_t size)
      : owner_(std::move(owner)), framing_(framing), pending_(size) {}

  void add(std::string reply) {
    if (!reply.empty()) {
      replies_ += replies_.empty() ? '[' : ',';
      replies_ += reply;
    }
    if (--pending_ == 0 && !replies_.empty()) {
      replies_ += ']';
      if (auto owner = owner_.lock()) owner->send_text(replies_, framing_);
    }
  }

 private:
  std::weak_ptr<Dispatcher> owner_;
  proto::Framing framing_;
  std::size_t pending_;
  std::string replies_;  // "[r1,r2,..." as they complete
};

Dispatcher::Dispatcher(const MethodRegistry& registry, Executor executor,
                       DispatchStats& stats, std::size_t max_message_bytes, Writer writer)
    : registry_(registry),
      executor_(std::move(executor)),
      stats_(stats),
      max_message_bytes_(max_message_bytes),
      writer_(std::move(writer)) {}

Dispatcher::~Dispatcher() { close(); }

void Dispatcher::send(const json& message, proto::Framing framing) {
  send_text(proto::dump(message), framing);
}

void Dispatcher::send_text(std::string_view body, proto::Framing framing) {
  if (closed_) return;
  writer_(proto::frame(body, framing));
}

void Dispatcher::on_frame(proto::Frame frame) {
  if (closed_) return;
  const auto framing = frame.framing;
  auto reply_now = [this, framing](std::string reply) {
    if (!reply.empty()) send_text(reply, framing);
  };
  switch (frame.kind) {
    case proto::Frame::Kind::oversized:
      reply_now(proto::error_text(
          nullptr, proto::error_with_detail(code::invalid_request, "Invalid Request",
                                            "message larger than " +
                                                std::to_string(max_message_bytes_) + " bytes")));
      return;
    case proto::Frame::Kind::bad_header:
      reply_now(proto::error_text(
          nullptr, proto::error_with_detail(code::parse_error, "Parse error",
                                            "LSP header without a valid Content-Length")));
      return;
    case proto::Frame::Kind::message:
      break;
  }
  json message;
  try {
    message = proto::parse(frame.body);
  } catch (const RpcError& e) {
    reply_now(proto::error_text(nullptr, e));
    return;
  }
  if (!message.is_array()) {
    handle(std::move(message), framing, reply_now);
    return;
  }
  if (message.empty()) {
    reply_now(proto::error_text(nullptr, proto::error_with_detail(code::invalid_request,
                                                                  "Invalid Request", "empty batch")));
    return;
  }
  auto batch = std::make_shared<Batch>(weak_from_this(), framing, message.size());
  const Sink to_batch = [batch](std::string reply) { batch->add(std::move(reply)); };
  for (auto& item : message) handle(std::move(item), framing, to_batch);
}

void Dispatcher::handle(json message, proto::Framing framing, const Sink& sink) {
  auto classified = proto::classify(std::move(message));
  if (auto* invalid = std::get_if<proto::Invalid>(&classified)) {
    sink(proto::error_text(invalid->id, invalid->error));
  } else if (auto* response = std::get_if<proto::Response>(&classified)) {
    const auto it = pending_.find(proto::id_key(response->id));
    if (it == pending_.end()) {
      log::debug("dropping a reply to unknown request ", proto::dump(response->id));
    } else {
      auto on_reply = std::move(it->second);
      pending_.erase(it);
      on_reply(std::move(*response));
    }
    sink({});
  } else {
    start(std::move(std::get<proto::Request>(classified)), framing, sink);
  }
}

void Dispatcher::start(proto::Request request, proto::Framing framing, Sink sink) {
  stats_.requests_total.fetch_add(1, std::memory_order_relaxed);
  // Method and id only: params carry the user's text and stay out of every log.
  if (log::threshold() >= log::Level::debug) {
    log::debug("request ", proto::utf8_prefix(request.method, 100), " id ",
               request.notification ? std::string("(notification)") : proto::utf8_prefix(proto::dump(request.id), 100));
  }
  const Handler* handler = registry_.find(request.method);
  if (handler == nullptr) {
    sink(request.notification
             ? std::string()
             : proto::error_text(request.id, proto::error_with_detail(
                                                 code::method_not_found, "Method not found",
                                                 "unknown method \"" + request.method + "\"")));
    return;
  }
  const std::uint64_t serial = next_serial_++;
  auto call = std::make_shared<Call>(
      executor_, std::move(request), framing, weak_from_this(),
      [weak = weak_from_this(), serial, sink = std::move(sink)](std::string reply) {
        if (auto self = weak.lock()) self->finished(serial);
        sink(std::move(reply));
      },
      [weak = weak_from_this()](const json& notification, proto::Framing framing) {
        if (auto self = weak.lock()) self->send(notification, framing);
      });
  calls_.emplace(serial, call);
  stats_.in_flight.fetch_add(1, std::memory_order_relaxed);
  try {
    (*handler)(call);
  } catch (const RpcError& e) {
    call->fail(e);
  } catch (const std::exception& e) {
    call->fail(proto::error_with_detail(code::internal_error, "Internal error", e.what()));
  }
}

void Dispatcher::finished(std::uint64_t serial) {
  if (calls_.erase(serial) > 0) stats_.in_flight.fetch_sub(1, std::memory_order_relaxed);
}

void Dispatcher::cancel(const json& id) {
  const auto key = proto::id_key(id);
  std::vector<std::shared_ptr<Call>> matching;
  for (const auto& [_, call] : calls_) {
    if (!call->is_notification() && proto::id_key(call->id()) == key) matching.push_back(call);
  }
  for (const auto& call : matching) call->cancel();
}

void Dispatcher::request(std::string method, json params, proto::Framing framing,
                         ReplyHandler on_reply) {
  const json id = next_request_id_++;
  if (closed_) {
    on_reply(proto::Response{id, nullptr, RpcError(code::cancelled, "connection closed").to_json()});
    return;
  }
  pending_.emplace(proto::id_key(id), std::move(on_reply));
  send(proto::make_request(id, method, std::move(params)), framing);
}

void Dispatcher::close() {
  if (closed_) return;
  closed_ = true;
  auto calls = std::exchange(calls_, {});
  stats_.in_flight.fetch_sub(static_cast<std::int64_t>(calls.size()), std::memory_order_relaxed);
  for (auto& [_, call] : calls) call->abandon();
  auto pending = std::exchange(pending_, {});
  for (auto& [key, on_reply] : pending) {
    on_reply(proto::Response{nullptr, nullptr,
                             RpcError(code::cancelled, "connection closed").to_json()});
  }
}

}  // namespace lamp::rpc
