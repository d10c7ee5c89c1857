// SPDX-License-Identifier: GPL-3.0-or-later
// load_gen: many concurrent connections of mixed ping / chat.completions against lamp, every reply
// checked against its request; reports latency, failures, and lamp's RSS and open fds.
#include "driver.hpp"
#include "options.hpp"
#include "proc_stats.hpp"
#include "tally.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <thread>

namespace {

// Every connection is a descriptor: take the hard limit.
void raise_fd_limit(std::uint32_t connections) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < connections + 16) {
    std::fprintf(stderr, "load_gen: warning: open-file limit %llu is too low for %u connections\n",
                 static_cast<unsigned long long>(rl.rlim_cur), connections);
  }
}

// lamp closes its side of a connection asynchronously: wait (up to `max_ms`, at least
// `min_ms`) for its non-upstream descriptors to come back to `before`, then count them.
std::optional<load::FdCounts> settled_fds(pid_t pid, const std::optional<load::FdCounts>& before,
                                          std::uint32_t min_ms, std::uint32_t max_ms) {
  using namespace std::chrono;
  const auto start = steady_clock::now();
  for (;;) {
    std::this_thread::sleep_for(milliseconds(50));
    auto now = load::count_fds(pid);
    const auto waited = duration_cast<milliseconds>(steady_clock::now() - start).count();
    const bool back = now && before && now->non_tcp() == before->non_tcp();
    if (waited >= max_ms || (back && waited >= min_ms)) return now;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const load::Options opts = load::parse_options(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);
  raise_fd_limit(opts.connections);
  // A fresh nonce in every chat prompt: no recorded or cached reply can pass the check.
  const std::uint64_t nonce = std::random_device{}() % 1'000'000'000ULL;

  load::Tally tally;
  load::LampFigures lamp;
  load::RunTimes times;
  try {
    load::warm_up(opts, nonce);
    if (opts.pid) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the warm-up connection closes
      lamp.fds_before = load::count_fds(opts.pid);
      lamp.mem_before = load::read_memory(opts.pid);
      if (!lamp.fds_before || !lamp.mem_before) {
        std::fprintf(stderr, "load_gen: cannot read /proc/%d\n", static_cast<int>(opts.pid));
        return 2;
      }
    }
    times = load::run_load(opts, nonce, tally, [&] {
      if (!opts.pid) return;
      if (const auto m = load::read_memory(opts.pid)) lamp.rss_peak_kb = std::max(lamp.rss_peak_kb, m->rss_kb);
    });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "load_gen: %s\n", e.what());
    return 2;
  }
  if (opts.pid) {
    lamp.fds_after = settled_fds(opts.pid, lamp.fds_before, opts.settle_ms, opts.settle_ms + 5000);
    lamp.mem_after = load::read_memory(opts.pid);
  }
  return load::report(opts, times, tally, lamp);
}
