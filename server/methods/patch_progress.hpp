// SPDX-License-Identifier: GPL-3.0-or-later
// PatchProgress: wisp.patch's `$/progress` notifications (docs/protocol.md, Live progress): the
// stages, and the model's reply as it streams, coalesced into at most one notification a tick.
#pragma once

#include "rpc/call.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace lamp::methods {

class PatchProgress {
 public:
  using clock = std::chrono::steady_clock;
  // At most one `streaming` notification per `tick` (the first delta of a turn goes out at once).
  explicit PatchProgress(std::weak_ptr<rpc::Call> call, clock::duration tick = std::chrono::milliseconds(100))
      : call_(std::move(call)), tick_(tick) {}

  // A stage other than `streaming`. `upstream` starts a new reply: the count restarts at zero.
  void stage(const std::string& name, const std::string& detail = {});
  // One streamed chunk's choices[0].delta; its `content` is added to the reply.
  void delta(const proto::json& delta);
  // Sends what the coalescing held back; call when a turn's reply is complete.
  void flush();

 private:
  void send(proto::json params);

  std::weak_ptr<rpc::Call> call_;
  clock::duration tick_;
  clock::time_point last_sent_{};
  std::string pending_;      // content not yet sent
  std::int64_t chars_ = 0;   // code points of this turn's reply so far
  bool sent_this_turn_ = false;
};

}  // namespace lamp::methods
