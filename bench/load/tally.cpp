// SPDX-License-Identifier: GPL-3.0-or-later
// load_gen's report: percentiles, failures, lamp's RSS and fds, the verdict.
#include "tally.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace load {
namespace {

using nlohmann::ordered_json;

struct Percentiles {
  std::uint64_t count = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

// Nearest rank over every sample; sorts `ns`.
Percentiles percentiles(std::vector<std::uint64_t>& ns) {
  Percentiles p;
  p.count = ns.size();
  if (ns.empty()) return p;
  std::sort(ns.begin(), ns.end());
  const auto rank = [&](double q) {
    auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ns.size())));
    k = std::clamp<std::size_t>(k, 1, ns.size());
    return static_cast<double>(ns[k - 1]) / 1e6;
  };
  p.p50_ms = rank(0.50);
  p.p99_ms = rank(0.99);
  p.max_ms = static_cast<double>(ns.back()) / 1e6;
  return p;
}

ordered_json to_json(const Percentiles& p) {
  return {{"count", p.count}, {"p50_ms", p.p50_ms}, {"p99_ms", p.p99_ms}, {"max_ms", p.max_ms}};
}

ordered_json to_json(const std::optional<FdCounts>& f) {
  if (!f) return nullptr;
  return {{"total", f->total}, {"unix", f->unix_sockets}, {"tcp", f->tcp_sockets}, {"other", f->other}};
}

double mb(long kb) { return static_cast<double>(kb) / 1024.0; }

void print_fds(const char* label, const std::optional<FdCounts>& f) {
  if (!f) return;
  std::printf("  %-6s %5d  (unix sockets %d, tcp to upstream %d, other %d)\n", label, f->total,
              f->unix_sockets, f->tcp_sockets, f->other);
}

}  // namespace

int report(const Options& opts, const RunTimes& times, Tally& tally, const LampFigures& lamp) {
  const auto& f = tally.failures;
  std::vector<std::uint64_t> all;
  all.reserve(tally.latency_ns[0].size() + tally.latency_ns[1].size());
  for (const auto& v : tally.latency_ns) all.insert(all.end(), v.begin(), v.end());
  const Percentiles ping = percentiles(tally.latency_ns[0]);
  const Percentiles chat = percentiles(tally.latency_ns[1]);
  const Percentiles overall = percentiles(all);
  const Percentiles first = percentiles(tally.first_ns);
  const double rps = times.run_s > 0 ? static_cast<double>(overall.count) / times.run_s : 0;

  // The leak check: everything but pooled upstream connections must come back exactly.
  std::string fd_verdict = "not measured";
  bool fd_leak = false;
  const bool lamp_gone = opts.pid && !lamp.fds_after;  // it died (or /proc went unreadable)
  if (lamp_gone) fd_verdict = "lamp is gone";
  if (lamp.fds_before && lamp.fds_after) {
    const auto &b = *lamp.fds_before, &a = *lamp.fds_after;
    fd_leak = a.non_tcp() != b.non_tcp() ||
              a.tcp_sockets > static_cast<int>(opts.max_upstream_conns);
    fd_verdict = fd_leak ? "LEAK" : "ok";
  }
  const bool pass = f.total() == 0 && !times.timed_out && !fd_leak && !lamp_gone;

  const std::string mix = opts.chat_every ? "chat.completions 1 in " + std::to_string(opts.chat_every) : "ping only";
  std::printf("lamp load: %u connections x %u requests, window %u, %s\n", opts.connections,
              opts.requests, opts.window, mix.c_str());
  std::printf("connect %.3f s, run %.3f s%s, %.0f replies/s\n", times.connect_s, times.run_s,
              times.timed_out ? " (TIMED OUT)" : "", rps);
  std::printf("\n  %-17s %9s %9s %10s %10s %10s\n", "method", "sent", "answered", "p50 ms", "p99 ms",
              "max ms");
  const auto row = [](const char* name, std::uint64_t sent, const Percentiles& p) {
    std::printf("  %-17s %9llu %9llu %10.3f %10.3f %10.3f\n", name,
                static_cast<unsigned long long>(sent), static_cast<unsigned long long>(p.count),
                p.p50_ms, p.p99_ms, p.max_ms);
  };
  row("ping", tally.sent[0], ping);
  row("chat.completions", tally.sent[1], chat);
  row("all", tally.sent[0] + tally.sent[1], overall);
  row("first of each conn", opts.connections, first);
  std::printf("  $/progress notifications for our chat calls: %llu\n",
              static_cast<unsigned long long>(tally.progress_notifications));

  struct Kind {
    const char* label;
    const char* key;
    std::uint64_t n;
  };
  const Kind kinds[] = {
      {"lost", "lost", f.lost},
      {"duplicated", "duplicated", f.duplicated},
      {"misrouted", "misrouted", f.misrouted},
      {"unknown id", "unknown_id", f.unknown_id},
      {"wrong result", "wrong_result", f.wrong_result},
      {"JSON-RPC error", "rpc_error", f.rpc_error},
      {"stray notification", "stray_notification", f.stray_notification},
      {"malformed line", "malformed", f.malformed},
      {"closed connection", "closed_connection", f.closed_connections},
      {"unsent", "unsent", f.unsent},
  };
  std::printf("\nfailures %llu\n", static_cast<unsigned long long>(f.total()));
  for (const auto& k : kinds) std::printf("  %-19s %llu\n", k.label, static_cast<unsigned long long>(k.n));
  for (const auto& e : tally.examples) std::printf("  e.g. %s\n", e.c_str());

  if (opts.pid) {
    std::printf("\nlamp (pid %d)\n", static_cast<int>(opts.pid));
    if (lamp.mem_before && lamp.mem_after) {
      std::printf("  RSS MB  before %.1f, peak %.1f (VmHWM %.1f), after %.1f\n", mb(lamp.mem_before->rss_kb),
                  mb(lamp.rss_peak_kb), mb(lamp.mem_after->hwm_kb), mb(lamp.mem_after->rss_kb));
    }
    std::printf("  open fds (%s)\n", fd_verdict.c_str());
    print_fds("before", lamp.fds_before);
    print_fds("after", lamp.fds_after);
  }
  std::printf("\nverdict %s\n", pass ? "PASS" : "FAIL");

  ordered_json failures;
  for (const auto& k : kinds) failures[k.key] = k.n;
  ordered_json j = {
      {"connections", opts.connections},
      {"requests_per_connection", opts.requests},
      {"window", opts.window},
      {"chat_every", opts.chat_every},
      {"connect_s", times.connect_s},
      {"run_s", times.run_s},
      {"timed_out", times.timed_out},
      {"replies_per_s", rps},
      {"sent", {{"ping", tally.sent[0]}, {"chat.completions", tally.sent[1]}}},
      {"latency", {{"ping", to_json(ping)}, {"chat.completions", to_json(chat)}, {"all", to_json(overall)},
                   {"first_per_connection", to_json(first)}}},
      {"progress_notifications", tally.progress_notifications},
      {"failures", failures},
      {"lamp_rss_kb",
       {{"before", lamp.mem_before ? lamp.mem_before->rss_kb : 0},
        {"peak", lamp.rss_peak_kb},
        {"hwm", lamp.mem_after ? lamp.mem_after->hwm_kb : 0},
        {"after", lamp.mem_after ? lamp.mem_after->rss_kb : 0}}},
      {"lamp_fds", {{"before", to_json(lamp.fds_before)}, {"after", to_json(lamp.fds_after)}}},
      {"fd_leak", fd_leak},
      {"pass", pass},
  };
  const std::string line = j.dump();
  std::printf("LOAD_RESULT %s\n", line.c_str());
  std::fflush(stdout);
  if (!opts.json_file.empty()) std::ofstream(opts.json_file) << line << '\n';
  return pass ? 0 : 1;
}

}  // namespace load
