// SPDX-License-Identifier: GPL-3.0-or-later
// Call implementation: completion is funnelled through the executor so it is single-threaded.
#include "rpc/call.hpp"

#include <boost/asio/dispatch.hpp>

#include <utility>

namespace lamp::rpc {

Call::Call(Executor executor, proto::Request request, proto::Framing framing,
           std::weak_ptr<Dispatcher> peer, Sink sink, Notifier notifier)
    : executor_(std::move(executor)),
      request_(std::move(request)),
      framing_(framing),
      peer_(std::move(peer)),
      sink_(std::move(sink)),
      notifier_(std::move(notifier)) {}

void Call::reply(json result) {
  boost::asio::dispatch(executor_, [self = shared_from_this(), result = std::move(result)]() mutable {
    self->complete(proto::result_text(self->id(), result));
  });
}

void Call::fail(const proto::RpcError& error) {
  boost::asio::dispatch(executor_, [self = shared_from_this(), error] {
    self->complete(proto::error_text(self->id(), error));
  });
}

void Call::notify(std::string method, json params) {
  boost::asio::dispatch(executor_, [self = shared_from_this(), method = std::move(method),
                                    params = std::move(params)]() mutable {
    if (self->done()) return;  // nothing may follow the reply
    if (self->notifier_) self->notifier_(proto::make_notification(method, std::move(params)), self->framing_);
  });
}

void Call::complete(std::string reply) {
  if (done_.exchange(true, std::memory_order_acq_rel)) return;
  cancel_handlers_.clear();
  auto sink = std::exchange(sink_, nullptr);
  if (sink) sink(request_.notification ? std::string() : std::move(reply));
}

void Call::on_cancel(std::function<void()> fn) {
  if (cancelled_) {
    fn();
  } else if (!done()) {
    cancel_handlers_.push_back(std::move(fn));
  }
}

void Call::cancel() {
  if (done()) return;
  auto handlers = std::exchange(cancel_handlers_, {});
  cancelled_ = true;
  complete(proto::error_text(id(), proto::RpcError(proto::code::cancelled, "Request cancelled")));
  for (auto& fn : handlers) fn();
}

void Call::abandon() {
  if (done()) return;
  auto handlers = std::exchange(cancel_handlers_, {});
  cancelled_ = true;
  done_.store(true, std::memory_order_release);
  sink_ = nullptr;
  for (auto& fn : handlers) fn();
}

}  // namespace lamp::rpc
