// SPDX-License-Identifier: GPL-3.0-or-later
// test.* methods: deterministic slow, echoing and notifying calls so the test suites can
// exercise concurrency, cancellation and big messages without an upstream. Off by default.
#include "methods/core.hpp"

#include <boost/asio/steady_timer.hpp>

namespace lamp::methods {

using proto::json;

namespace {

const json& object_params(const rpc::Call& call) {
  if (!call.params().is_object() && !call.params().is_null()) {
    throw proto::invalid_params("params must be an object");
  }
  return call.params();
}

std::int64_t int_param(const rpc::Call& call, const char* name, std::int64_t fallback,
                       std::int64_t max) {
  const json& params = object_params(call);
  if (params.is_null() || !params.contains(name)) return fallback;
  const json& v = params[name];
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > max) {
    throw proto::invalid_params(std::string(name) + " must be an integer from 0 to " + std::to_string(max));
  }
  return v.get<std::int64_t>();
}

}  // namespace

void register_test_methods(rpc::MethodRegistry& registry) {
  // {ms} → "slept" after ms milliseconds; cancellable.
  registry.add("test.sleep", [](const std::shared_ptr<rpc::Call>& call) {
    const auto ms = int_param(*call, "ms", 1000, 600000);
    auto timer = std::make_shared<boost::asio::steady_timer>(call->executor());
    timer->expires_after(std::chrono::milliseconds(ms));
    call->on_cancel([timer] { timer->cancel(); });
    timer->async_wait([call, timer](const boost::system::error_code& ec) {
      if (!ec) call->reply("slept");
    });
  });

  // Any params → the same params.
  registry.add_sync("test.echo", [](rpc::Call& call) { return call.params(); });

  // {count, size} → `count` notifications `test.tick` {request_id, index, pad}, then count.
  registry.add_sync("test.notify", [](rpc::Call& call) {
    const auto count = int_param(call, "count", 3, 100000);
    const auto size = int_param(call, "size", 0, 16 << 20);
    const std::string pad(static_cast<std::size_t>(size), 'x');
    for (std::int64_t i = 0; i < count; ++i) {
      call.notify("test.tick", json{{"request_id", call.id()}, {"index", i}, {"pad", pad}});
    }
    return json(count);
  });
}

}  // namespace lamp::methods
