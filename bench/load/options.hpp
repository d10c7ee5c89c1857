// SPDX-License-Identifier: GPL-3.0-or-later
// load_gen's command line: what to run against which socket, and the bounds of the run.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace load {

struct Options {
  std::string socket;
  std::uint32_t connections = 1000;
  std::uint32_t requests = 1000;  // per connection
  std::uint32_t window = 8;       // requests in flight per connection
  std::uint32_t chat_every = 200; // one request in N is chat.completions; 0 = ping only
  double timeout_s = 300;         // the whole run, connecting included
  pid_t pid = 0;                  // lamp's pid, for RSS and fd figures; 0 = not measured
  std::uint32_t linger_ms = 200;  // connections stay open this long after the last reply
  std::uint32_t settle_ms = 1000; // wait after closing before the "after" figures
  std::uint32_t max_upstream_conns = 64;  // TCP sockets lamp may keep pooled (curl's cache)
  std::string json_file;          // also write the JSON report here
};

// Parses argv; prints usage and exits with status 2 on bad input.
Options parse_options(int argc, char** argv);

}  // namespace load
