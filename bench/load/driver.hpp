// SPDX-License-Identifier: GPL-3.0-or-later
// The load itself: one epoll loop over every connection, each keeping a window of requests in
// flight until it has sent its share, every line it receives checked against what it sent.
#pragma once

#include "options.hpp"
#include "tally.hpp"

#include <functional>

namespace load {

// Runs the whole load and fills `tally`. `sample` is called about every 50 ms while it runs
// (to watch lamp's memory). Throws std::runtime_error when it cannot connect or poll.
RunTimes run_load(const Options& opts, std::uint64_t nonce, Tally& tally,
                  const std::function<void()>& sample);

// One short exchange (a ping and, when chat is in the mix, one chat call) on a connection of
// its own, so that lamp's lazily created parts exist before its descriptors are counted.
// Throws std::runtime_error when it does not get both answers within 30 s.
void warm_up(const Options& opts, std::uint64_t nonce);

}  // namespace load
