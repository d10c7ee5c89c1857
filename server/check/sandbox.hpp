// SPDX-License-Identifier: GPL-3.0-or-later
// Sandbox: where a checker child runs (docs/protocol.md, Checks): a private temporary directory
// (mode 0700, removed afterwards) as its working directory and HOME, a minimal environment
// (no proxies, no tool options such as NODE_OPTIONS or BASH_ENV), and no network when
// `unshare` can give the child a network namespace of its own.
#pragma once

#include "check/report.hpp"
#include "proc/child_process.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lamp::check {

class Sandbox {
 public:
  Sandbox();  // throws std::runtime_error when no temporary directory can be made
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const std::string& dir() const { return dir_; }
  // Writes `text` to dir()/name (mode 0600) and returns its path.
  std::string write_file(const std::string& name, std::string_view text) const;
  // Runs `argv` (argv[0] already a full path) here, within options.time_limit.
  proc::ChildResult run(std::vector<std::string> argv, std::string stdin_text, const CheckOptions& options) const;

 private:
  std::string dir_;
};

// The `unshare` arguments that cut a child off the network for this user ("-n" as root, "-rn"
// with user namespaces), probed once by running `unshare ... true`; empty when neither works.
const std::vector<std::string>& network_isolation();

// `program` found on the checkers' PATH; "" after marking `report` skipped as not installed.
std::string find_tool(CheckReport& report, const char* program, const CheckOptions& options);

// True when `run` produced the tool's verdict. Otherwise fills `report` as skipped: the tool
// did not start, ran past the time limit (timed_out; its process group was killed) or failed
// without saying why the text is wrong.
bool verdict_given(CheckReport& report, const proc::ChildResult& run, const CheckOptions& options);

// The verdict of a checker program that prints "LINE<TAB>message" for the first error: `report`
// gets that diagnostic, or is marked skipped ("TOOL failed: ...") when the output is not of
// that shape (the tool failed to start).
CheckReport read_line_and_message(CheckReport& report, const proc::ChildResult& run, std::string_view tool);

// A tool message cut to something a prompt and a review line can hold.
std::string first_line_of(std::string_view text, std::size_t max_bytes = 300);

}  // namespace lamp::check
