// SPDX-License-Identifier: GPL-3.0-or-later
// UpstreamScheduler implementation; single-threaded on the server's executor.
#include "upstream/scheduler.hpp"

#include "proto/jsonrpc.hpp"

namespace lamp::upstream {

UpstreamScheduler::UpstreamScheduler(int capacity, int max_queue, app::UpstreamStats& stats)
    : capacity_(capacity),
      max_queue_(max_queue),
      stats_(stats),
      self_(std::make_shared<UpstreamScheduler*>(this)) {}

UpstreamScheduler::~UpstreamScheduler() = default;

std::uint64_t UpstreamScheduler::submit(Grant grant) {
  if (active_ < capacity_) {
    ++active_;
    stats_.active.store(active_);
    grant(std::make_unique<Slot>(self_));
    return 0;
  }
  if (static_cast<int>(waiting_.size()) >= max_queue_) {
    throw proto::RpcError(proto::code::server_busy, "Server busy: the upstream queue is full",
                          {{"active", active_}, {"queued", waiting_.size()}, {"capacity", capacity_}});
  }
  waiting_.emplace_back(++last_ticket_, std::move(grant));
  stats_.queued.store(static_cast<std::int64_t>(waiting_.size()));
  return last_ticket_;
}

bool UpstreamScheduler::withdraw(std::uint64_t ticket) {
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it) {
    if (it->first == ticket) {
      waiting_.erase(it);
      stats_.queued.store(static_cast<std::int64_t>(waiting_.size()));
      return true;
    }
  }
  return false;
}

void UpstreamScheduler::release() {
  --active_;
  while (!waiting_.empty() && active_ < capacity_) {
    auto grant = std::move(waiting_.front().second);
    waiting_.pop_front();
    stats_.queued.store(static_cast<std::int64_t>(waiting_.size()));
    ++active_;
    grant(std::make_unique<Slot>(self_));
  }
  stats_.active.store(active_);
}

UpstreamScheduler::Slot::~Slot() {
  if (auto owner = owner_.lock()) (*owner)->release();
}

}  // namespace lamp::upstream
