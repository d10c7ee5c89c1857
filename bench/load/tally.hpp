// SPDX-License-Identifier: GPL-3.0-or-later
// What a load run counted (latencies, failures by kind, lamp's memory and descriptors) and the
// report made of it: a table on stdout and one JSON line.
#pragma once

#include "options.hpp"
#include "proc_stats.hpp"
#include "wire.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace load {

struct Failures {
  std::uint64_t lost = 0;          // sent, never answered
  std::uint64_t duplicated = 0;    // answered twice
  std::uint64_t misrouted = 0;     // a reply carrying another connection's id
  std::uint64_t unknown_id = 0;    // a reply whose id no connection sent
  std::uint64_t wrong_result = 0;  // answered, but not with what the request must return
  std::uint64_t rpc_error = 0;     // answered with a JSON-RPC error
  std::uint64_t stray_notification = 0;  // a notification for no chat call in flight here
  std::uint64_t malformed = 0;     // a line that is not a JSON-RPC message
  std::uint64_t closed_connections = 0;  // connections the server closed or broke
  std::uint64_t unsent = 0;        // requests never sent (the run timed out first)

  std::uint64_t total() const {
    return lost + duplicated + misrouted + unknown_id + wrong_result + rpc_error +
           stray_notification + malformed + closed_connections + unsent;
  }
};

struct Tally {
  std::array<std::uint64_t, 2> sent{};                // by Method
  std::array<std::vector<std::uint64_t>, 2> latency_ns;  // one per answered request, by Method
  std::vector<std::uint64_t> first_ns;  // each connection's first request: includes lamp's accept
  std::uint64_t progress_notifications = 0;           // $/progress for our chat calls
  Failures failures;
  std::vector<std::string> examples;                  // the first few failures, described

  void note(std::string what) {
    if (examples.size() < 12) examples.push_back(std::move(what));
  }
};

struct RunTimes {
  double connect_s = 0;  // opening every connection
  double run_s = 0;      // first request sent to last reply received (or the timeout)
  bool timed_out = false;
};

struct LampFigures {
  std::optional<MemorySample> mem_before, mem_after;
  long rss_peak_kb = 0;  // the largest VmRSS sampled during the run
  std::optional<FdCounts> fds_before, fds_after;
};

// Prints the report and returns the exit status: 0 when every request got its right answer
// and lamp's descriptors came back to where they were, 1 otherwise.
int report(const Options& opts, const RunTimes& times, Tally& tally, const LampFigures& lamp);

}  // namespace load
