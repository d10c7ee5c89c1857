// SPDX-License-Identifier: GPL-3.0-or-later
// /proc readers for load_gen's RSS and descriptor figures.
#include "proc_stats.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_set>

namespace load {
namespace {

// The inode column of a /proc/net table (after its header line).
std::unordered_set<unsigned long> socket_inodes(const char* table, int column) {
  std::unordered_set<unsigned long> out;
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string field;
    int i = 0;
    while (i < column && fields >> field) ++i;
    if (i == column) out.insert(std::stoul(field));
  }
  return out;
}

}  // namespace

std::optional<MemorySample> read_memory(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  if (!in) return std::nullopt;
  MemorySample m;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmRSS:")) m.rss_kb = std::atol(line.c_str() + 6);
    if (line.starts_with("VmHWM:")) m.hwm_kb = std::atol(line.c_str() + 6);
  }
  return m;
}

std::optional<FdCounts> count_fds(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  const std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
  if (!d) return std::nullopt;
  // Procfs net tables are per network namespace, which lamp shares with us (loopback only).
  const auto unix_set = socket_inodes("/proc/net/unix", 7);
  auto tcp_set = socket_inodes("/proc/net/tcp", 10);
  tcp_set.merge(socket_inodes("/proc/net/tcp6", 10));
  FdCounts c;
  while (const dirent* e = readdir(d.get())) {
    if (e->d_name[0] == '.') continue;
    char target[256];
    const auto n = readlink((dir + "/" + e->d_name).c_str(), target, sizeof target - 1);
    if (n < 0) continue;  // closed meanwhile
    const std::string t(target, static_cast<std::size_t>(n));
    ++c.total;
    if (t.starts_with("socket:[")) {
      const auto inode = std::stoul(t.substr(8));
      if (unix_set.contains(inode)) {
        ++c.unix_sockets;
        continue;
      }
      if (tcp_set.contains(inode)) {
        ++c.tcp_sockets;
        continue;
      }
    }
    ++c.other;
  }
  return c;
}

}  // namespace load
