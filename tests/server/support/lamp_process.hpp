// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: runs the real `lamp` binary (Boost.Process) on a socket in a private temporary
// directory, and helpers to run the CLI and inspect files.
#pragma once

#include "common/temp_dir.hpp"

#include <boost/process.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lamp::harness {

using TempDir = test_support::TempDir;

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `lamp ARGS...` to completion with extra environment variables.
CommandResult run_lamp(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {},
                       std::chrono::seconds timeout = std::chrono::seconds(30));

class LampServer {
 public:
  struct Options {
    std::vector<std::string> extra_args;
    std::map<std::string, std::string> env;
    bool test_methods = true;
    bool wait_ready = true;
  };

  // Starts `lamp serve --socket SOCKET`; waits until it answers a connect.
  explicit LampServer(std::string socket_path, Options options);
  explicit LampServer(std::string socket_path) : LampServer(std::move(socket_path), Options{}) {}
  ~LampServer();
  LampServer(const LampServer&) = delete;
  LampServer& operator=(const LampServer&) = delete;

  const std::string& socket() const { return socket_; }
  pid_t pid() const;
  bool running();
  void signal(int sig);
  // Waits for exit; nothing on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // What the server wrote on stderr so far.
  std::string stderr_text() const;

 private:
  std::string socket_;
  std::string log_path_;
  boost::process::child child_;
};

// Helper processes (lamp, the fake upstream, the proxy): polls `ready` every 10 ms for up to
// 10 s; throws std::runtime_error(failure()) when `child` exits first or time runs out.
void wait_until_ready(boost::process::child& child, const std::function<bool()>& ready,
                      const std::function<std::string()>& failure);
// SIGKILLs `child` if it still runs, and reaps it.
void kill_and_reap(boost::process::child& child);
// The port number a helper wrote to `port_file`, or 0 while it has not.
int read_port(const std::string& port_file);

// True once something accepts connections at `path`.
bool socket_answers(const std::string& path);
// Leaves a socket file at `path` that nobody listens on, as a crashed server would.
void make_dead_socket(const std::string& path);
// File mode bits (e.g. 0600), or -1 if missing.
int mode_of(const std::string& path);
std::string read_file(const std::string& path);

}  // namespace lamp::harness
