// SPDX-License-Identifier: GPL-3.0-or-later
// ServerContext: what method handlers share for the life of one `lamp serve`: configuration,
// counters reported by server.status, and the event loop they complete calls on.
#pragma once

#include "app/config.hpp"
#include "rpc/dispatcher.hpp"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

namespace lamp::app {

// Upstream scheduler figures; written by the upstream client, read by server.status.
struct UpstreamStats {
  std::atomic<std::int64_t> active{0};
  std::atomic<std::int64_t> queued{0};
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> retries{0};
  std::atomic<std::uint64_t> failures{0};
};

struct ServerContext {
  explicit ServerContext(boost::asio::io_context& io_context, Config cfg)
      : io(io_context), config(std::move(cfg)) {}

  boost::asio::io_context& io;
  Config config;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  rpc::DispatchStats dispatch;
  UpstreamStats upstream;
  std::function<std::size_t()> connections = [] { return std::size_t{0}; };
  // server.describe's `context` (docs/protocol.md, Project context); null until wisp.patch is set up.
  std::function<nlohmann::json()> project_context = [] { return nlohmann::json(nullptr); };
};

}  // namespace lamp::app
