// SPDX-License-Identifier: GPL-3.0-or-later
// The private directory, environment and network namespace of checker children.
#include "check/sandbox.hpp"

#include <charconv>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <system_error>

namespace lamp::check {

Sandbox::Sandbox() {
  std::error_code ec;
  std::string base = std::filesystem::temp_directory_path(ec).string();
  if (ec || base.empty()) base = "/tmp";
  std::string templ = base + "/lamp-check-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {  // mkdtemp makes it 0700
    throw std::runtime_error("cannot create a temporary directory in " + base);
  }
  dir_ = templ;
}

Sandbox::~Sandbox() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string Sandbox::write_file(const std::string& name, std::string_view text) const {
  const std::string path = dir_ + "/" + name;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
  }
  ::chmod(path.c_str(), 0600);
  return path;
}

proc::ChildResult Sandbox::run(std::vector<std::string> argv, std::string stdin_text,
                               const CheckOptions& options) const {
  proc::ChildSpec spec;
  const auto& isolation = network_isolation();
  if (!isolation.empty()) {
    std::vector<std::string> wrapped = isolation;
    wrapped.push_back("--");
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    argv = std::move(wrapped);
  }
  spec.argv = std::move(argv);
  spec.stdin_text = std::move(stdin_text);
  std::string path = options.search_path;
  if (path.empty()) {
    const char* env = std::getenv("PATH");
    path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  }
  // Only what the tools need: no proxies, no API key, no NODE_OPTIONS / BASH_ENV / PYTHON*.
  spec.env = {{"PATH", path}, {"HOME", dir_}, {"TMPDIR", dir_}, {"LANG", "C.UTF-8"}, {"LC_ALL", "C.UTF-8"}};
  spec.working_dir = dir_;
  spec.time_limit = options.time_limit;
  spec.search_path = path;
  return proc::run_child(spec);
}

const std::vector<std::string>& network_isolation() {
  static std::vector<std::string> flags;
  static std::once_flag once;
  std::call_once(once, [] {
    const std::string unshare = proc::find_program("unshare", "/usr/bin:/bin:/usr/sbin:/sbin");
    const std::string truth = proc::find_program("true", "/usr/bin:/bin");
    if (unshare.empty() || truth.empty()) return;
    for (const char* option : {"-n", "-rn"}) {
      proc::ChildSpec probe;
      probe.argv = {unshare, option, "--", truth};
      probe.env = {{"PATH", "/usr/bin:/bin"}};
      probe.time_limit = std::chrono::seconds(5);
      if (proc::run_child(probe).succeeded()) {
        flags = {unshare, option};
        return;
      }
    }
  });
  return flags;
}

std::string find_tool(CheckReport& report, const char* program, const CheckOptions& options) {
  std::string found = proc::find_program(program, options.search_path);
  if (found.empty()) report.skipped = std::string(program) + " is not installed (not found on PATH)";
  return found;
}

CheckReport read_line_and_message(CheckReport& report, const proc::ChildResult& run, std::string_view tool) {
  const auto tab = run.out.find('\t');
  std::int64_t line = 0;
  if (tab == std::string::npos || std::from_chars(run.out.data(), run.out.data() + tab, line).ec != std::errc{}) {
    report.skipped = std::string(tool) + " failed: " + first_line_of(run.err.empty() ? run.out : run.err);
    return report;
  }
  report.ran = true;
  report.diagnostics.push_back({line, first_line_of(std::string_view(run.out).substr(tab + 1))});
  return report;
}

bool verdict_given(CheckReport& report, const proc::ChildResult& run, const CheckOptions& options) {
  if (!run.started) {
    report.skipped = run.error;
    return false;
  }
  if (run.timed_out) {
    report.timed_out = true;
    const auto ms = options.time_limit.count();
    report.skipped = report.checker + " took longer than " +
                     (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms") +
                     " (LAMP_CHECK_TIMEOUT_S) and was stopped";
    return false;
  }
  if (!run.exit_code) {
    report.skipped = report.checker + " was killed by signal " + std::to_string(run.signal.value_or(0));
    return false;
  }
  return true;
}

std::string first_line_of(std::string_view text, std::size_t max_bytes) {
  while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) text.remove_prefix(1);
  std::string line(text.substr(0, text.find('\n')));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  if (line.size() > max_bytes) {
    line.resize(max_bytes);
    while (!line.empty() && (static_cast<unsigned char>(line.back()) & 0xC0) == 0x80) line.pop_back();
    if (!line.empty() && (static_cast<unsigned char>(line.back()) & 0x80)) line.pop_back();
    line += "...";
  }
  return line;
}

}  // namespace lamp::check
