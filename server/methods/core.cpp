// SPDX-License-Identifier: GPL-3.0-or-later
// Built-in methods that describe and control the server itself.
#include "methods/core.hpp"

#include "check/sandbox.hpp"
#include "check/syntax_check.hpp"
#include "rpc/dispatcher.hpp"

#ifndef LAMP_VERSION
#define LAMP_VERSION "0.0.0"
#endif

namespace lamp::methods {

using proto::json;

namespace {

// docs/protocol.md, Checks: the checkers whose tools are on PATH, the time limit, and whether
// checker children are cut off the network.
json describe_checks(const app::Config& cfg) {
  json checkers = json::array();
  for (const auto& c : check::checkers()) {
    checkers.push_back({{"language", c.language}, {"checker", c.checker}, {"available", c.available}});
  }
  return {{"timeout_s", cfg.check_timeout_s},
          {"no_network", !check::network_isolation().empty()},
          {"checkers", std::move(checkers)}};
}

}  // namespace

void register_core(rpc::MethodRegistry& registry, app::ServerContext& ctx) {
  registry.add_sync("ping", [](rpc::Call&) { return json("pong"); });

  registry.add_sync("server.describe", [&registry, &ctx](rpc::Call&) {
    const auto& cfg = ctx.config;
    return json{
        {"name", "lamp"},
        {"version", LAMP_VERSION},
        {"protocol", 1},
        {"methods", registry.names()},
        {"models",
         {{"default", cfg.default_model},
          {"allowed", cfg.allowed_models ? json(*cfg.allowed_models) : json(nullptr)}}},
        {"upstream",
         {{"base_url", cfg.display_base_url()},
          {"chat_url", cfg.display_chat_url()},
          {"api_key_set", !cfg.api_key.empty()}}},
        {"checks", describe_checks(cfg)},
        {"context", ctx.project_context()},
    };
  });

  registry.add_sync("server.status", [&ctx](rpc::Call&) {
    const auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started);
    const auto& up = ctx.upstream;
    return json{
        {"active", up.active.load()},
        {"queued", up.queued.load()},
        {"capacity", ctx.config.max_concurrency},
        {"max_queue", ctx.config.max_queue},
        {"connections", ctx.connections()},
        {"uptime_s", static_cast<std::int64_t>(uptime.count())},
        {"requests_total", ctx.dispatch.requests_total.load()},
        {"in_flight", ctx.dispatch.in_flight.load()},
        {"upstream",
         {{"calls", up.calls.load()}, {"retries", up.retries.load()}, {"failures", up.failures.load()}}},
    };
  });

  // A notification per docs/protocol.md; sent as a request it is answered with null once done.
  registry.add("$/cancelRequest", [](const std::shared_ptr<rpc::Call>& call) {
    const auto& params = call->params();
    if (!params.is_object() || !params.contains("id") ||
        !(params["id"].is_string() || params["id"].is_number())) {
      throw proto::invalid_params("$/cancelRequest needs {\"id\": <request id>}");
    }
    if (auto peer = call->peer()) peer->cancel(params["id"]);
    call->reply(nullptr);
  });
}

}  // namespace lamp::methods
