// SPDX-License-Identifier: GPL-3.0-or-later
// run_child: the one place lamp starts a child process (docs/protocol.md, Checks): argv, stdin
// text, a whole environment, a working directory and a time limit in; exit status, output and
// whether the limit was hit out. Blocking: call it off the event loop (the `cpu` pool).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lamp::proc {

struct ChildSpec {
  std::vector<std::string> argv;           // argv[0]: a path, or a name looked up in `search_path`
  std::string stdin_text;                  // written to the child's stdin, which is then closed
  std::map<std::string, std::string> env;  // the child's whole environment (nothing inherited)
  std::string working_dir;                 // empty: lamp's own
  std::chrono::milliseconds time_limit{5000};
  std::string search_path;                 // PATH used to find argv[0]; empty: lamp's $PATH
  std::size_t max_output_bytes = 1 << 20;  // per stream; more is read and dropped
};

struct ChildResult {
  bool started = false;         // false: argv[0] not found or not executable (see `error`)
  std::string error;            // why it did not start
  bool timed_out = false;       // the time limit passed; the child's process group was SIGKILLed
  std::optional<int> exit_code; // set when it exited normally
  std::optional<int> signal;    // set when a signal ended it
  std::string out;
  std::string err;

  bool succeeded() const { return started && !timed_out && exit_code == 0; }
};

// Runs the child in a process group of its own (so a timeout kills everything it started),
// with the descriptors lamp holds (sockets, pipes) closed, and waits for it, its output and
// the time limit, whichever comes first. Never throws for a failure of the child itself.
ChildResult run_child(const ChildSpec& spec);

// The full path of `program` found in `search_path` (":"-separated; empty: lamp's $PATH), or
// "" when it is not there. A name with a "/" is returned as is when it is executable.
std::string find_program(const std::string& program, const std::string& search_path = "");

}  // namespace lamp::proc
