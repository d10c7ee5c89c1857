// SPDX-License-Identifier: GPL-3.0-or-later
// Another process's memory and open descriptors, read from /proc (Linux only).
#pragma once

#include <sys/types.h>

#include <optional>

namespace load {

struct MemorySample {
  long rss_kb = 0;  // VmRSS
  long hwm_kb = 0;  // VmHWM: the peak RSS since the process started
};

// Open descriptors by kind. Sockets are told apart through /proc/net/{unix,tcp,tcp6}.
struct FdCounts {
  int total = 0;
  int unix_sockets = 0;
  int tcp_sockets = 0;
  int other = 0;  // files, pipes, eventfd, epoll, other sockets

  int non_tcp() const { return total - tcp_sockets; }
};

std::optional<MemorySample> read_memory(pid_t pid);
std::optional<FdCounts> count_fds(pid_t pid);

}  // namespace load
