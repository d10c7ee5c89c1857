// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: what /proc says about a process (resident memory, open descriptors), for
// the fault tests' leak and memory-bound checks.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace lamp::harness {

// A "Name:   N kB" field of /proc/PID/status (VmRSS, VmHWM) in bytes; -1 when unreadable.
inline long long proc_status_bytes(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string name;
  long long kb = 0;
  while (in >> name) {
    if (name == field + ":" && in >> kb) return kb * 1024;
    std::getline(in, name);
  }
  return -1;
}

// Open descriptors of PID; -1 when unreadable.
inline int proc_fd_count(pid_t pid) {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec);
  if (ec) return -1;
  int n = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return -1;
    ++n;
  }
  return n;
}

}  // namespace lamp::harness
