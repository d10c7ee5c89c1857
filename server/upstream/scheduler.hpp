// SPDX-License-Identifier: GPL-3.0-or-later
// UpstreamScheduler: at most `capacity` upstream calls at once, a FIFO of at most `max_queue`
// waiting ones, -32003 beyond that. A granted Slot frees its place when destroyed.
#pragma once

#include "app/context.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

namespace lamp::upstream {

class UpstreamScheduler {
 public:
  class Slot;
  using SlotPtr = std::unique_ptr<Slot>;
  using Grant = std::function<void(SlotPtr)>;

  UpstreamScheduler(int capacity, int max_queue, app::UpstreamStats& stats);
  ~UpstreamScheduler();
  UpstreamScheduler(const UpstreamScheduler&) = delete;
  UpstreamScheduler& operator=(const UpstreamScheduler&) = delete;

  // Executor thread. Calls `grant` now when a slot is free, else queues it and returns its
  // ticket (0 when granted at once). Throws RpcError(-32003) when the queue is full.
  std::uint64_t submit(Grant grant);
  // Removes a queued request; false when it is not waiting (anymore).
  bool withdraw(std::uint64_t ticket);

 private:
  void release();

  int capacity_;
  int max_queue_;
  app::UpstreamStats& stats_;
  int active_ = 0;
  std::uint64_t last_ticket_ = 0;
  std::deque<std::pair<std::uint64_t, Grant>> waiting_;
  std::shared_ptr<UpstreamScheduler*> self_;  // lets slots outlive the scheduler safely
};

class UpstreamScheduler::Slot {
 public:
  explicit Slot(std::weak_ptr<UpstreamScheduler*> owner) : owner_(std::move(owner)) {}
  ~Slot();
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  std::weak_ptr<UpstreamScheduler*> owner_;
};

}  // namespace lamp::upstream
