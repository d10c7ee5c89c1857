// SPDX-License-Identifier: GPL-3.0-or-later
// Command-line parsing for load_gen.
#include "options.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace load {
namespace {

[[noreturn]] void usage(const char* why) {
  if (why) std::fprintf(stderr, "load_gen: %s\n", why);
  std::fprintf(stderr,
               "usage: load_gen --socket PATH [--connections N] [--requests N] [--window N]\n"
               "                [--chat-every N] [--timeout-s S] [--pid PID] [--linger-ms MS]\n"
               "                [--settle-ms MS] [--max-upstream-conns N] [--json FILE]\n"
               "  N connections each send N requests (ping, and chat.completions for one in\n"
               "  --chat-every; 0 = ping only), keeping --window in flight, and check every reply.\n"
               "  --pid: lamp's pid, to report its RSS and open fds before, during and after.\n"
               "  Exit status: 0 all replies correct and no fd leak, 1 any failure, 2 usage/setup.\n");
  std::exit(2);
}

std::uint32_t number(std::string_view flag, const char* text, std::uint32_t lo, std::uint32_t hi) {
  std::uint32_t v = 0;
  const std::string_view s(text);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v < lo || v > hi) {
    std::fprintf(stderr, "load_gen: %.*s wants an integer from %u to %u, got \"%s\"\n",
                 static_cast<int>(flag.size()), flag.data(), lo, hi, text);
    usage(nullptr);
  }
  return v;
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) usage(("missing value or unknown flag: " + std::string(flag)).c_str());
    const char* value = argv[++i];
    if (flag == "--socket") {
      o.socket = value;
    } else if (flag == "--connections") {
      o.connections = number(flag, value, 1, 100000);
    } else if (flag == "--requests") {
      o.requests = number(flag, value, 1, 9'999'999);
    } else if (flag == "--window") {
      o.window = number(flag, value, 1, 4096);
    } else if (flag == "--chat-every") {
      o.chat_every = number(flag, value, 0, 1'000'000'000);
    } else if (flag == "--timeout-s") {
      o.timeout_s = number(flag, value, 1, 86400);
    } else if (flag == "--pid") {
      o.pid = static_cast<pid_t>(number(flag, value, 1, 1u << 30));
    } else if (flag == "--linger-ms") {
      o.linger_ms = number(flag, value, 0, 60000);
    } else if (flag == "--settle-ms") {
      o.settle_ms = number(flag, value, 0, 60000);
    } else if (flag == "--max-upstream-conns") {
      o.max_upstream_conns = number(flag, value, 0, 100000);
    } else if (flag == "--json") {
      o.json_file = value;
    } else {
      usage(("unknown flag " + std::string(flag)).c_str());
    }
  }
  if (o.socket.empty()) usage("--socket is required");
  return o;
}

}  // namespace load
