// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: fork/exec of a program as another uid, in a chosen directory, with core dumps
// allowed: what the security tests need and Boost.Process cannot set up.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lamp::harness {

struct SpawnOptions {
  std::vector<std::string> argv;             // argv[0] is the program's path
  std::map<std::string, std::string> env;    // added to ours (lamp's variables removed first)
  std::string cwd;                           // empty: ours
  std::optional<uid_t> uid;                  // run with this uid and gid (needs root)
  bool unlimited_core = false;               // RLIMIT_CORE unlimited
  std::string stderr_path;                   // empty: /dev/null
};

// A child process, SIGKILLed and reaped at the end of the scope if still running.
class Spawned {
 public:
  explicit Spawned(const SpawnOptions& options);
  ~Spawned();
  Spawned(const Spawned&) = delete;
  Spawned& operator=(const Spawned&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // The wait status (as waitpid gives it) once the child has exited; nothing on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Makes `parent` traversable by everyone and creates `parent/name` owned by `uid`, mode 0700:
// where a lamp running as `uid` can make its socket. Returns the new directory.
std::string private_dir_for(const std::string& parent, const std::string& name, uid_t uid);
// True once something accepts connections at `path` within `timeout`.
bool wait_for_socket(const std::string& path, std::chrono::milliseconds timeout);
// Connects to `path`, sends `request`, and returns everything read until the server closes
// (or `timeout`). Nothing if the connect fails (errno in `connect_errno`). Only system calls,
// so a forked child may use it.
std::optional<std::string> exchange(const std::string& path, const std::string& request,
                                    std::chrono::milliseconds timeout, int* connect_errno = nullptr);

// The uid that owns `path` (not following a symlink), or -1. For /proc/PID/* entries: root
// when the process is not dumpable.
long owner_of(const std::string& path);

}  // namespace lamp::harness
