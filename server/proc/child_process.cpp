// SPDX-License-Identifier: GPL-3.0-or-later
// run_child with Boost.Process (v1, as Debian 12's Boost 1.74 has it): the pipes are driven by a
// private io_context on the calling thread, so stdin, stdout and stderr never block each other.
#include "proc/child_process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/start_dir.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <thread>

namespace lamp::proc {
namespace {

namespace bp = boost::process;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

// Runs in the forked child before exec; only async-signal-safe calls. The child leads a process
// group of its own, starts with default signal handling (lamp ignores SIGPIPE, and the pool's
// threads block every signal), and inherits nothing beyond stdin/stdout/stderr: lamp's sockets
// are not created close-on-exec, so they are marked now (the exec closes them).
struct ChildSetup : bp::extend::handler {
  template <typename Executor>
  void on_exec_setup(Executor&) const {
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
      struct rlimit limit {};
      const long top = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536
                           ? static_cast<long>(limit.rlim_cur) : 65536;
      for (int fd = 3; fd < top; ++fd) {
        const int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
      }
    }
  }
};

// Reads `pipe` to its end, keeping at most `limit` bytes in `out`.
void read_all(bp::async_pipe& pipe, std::string& out, std::size_t limit, std::array<char, 16384>& chunk,
              std::function<void()> on_end) {
  pipe.async_read_some(asio::buffer(chunk), [&pipe, &out, limit, &chunk, on_end = std::move(on_end)](
                                                const boost::system::error_code& ec, std::size_t n) mutable {
    if (n > 0 && out.size() < limit) out.append(chunk.data(), std::min(n, limit - out.size()));
    if (ec) {
      on_end();
      return;
    }
    read_all(pipe, out, limit, chunk, std::move(on_end));
  });
}

// Blocks SIGPIPE in this thread for its lifetime, so a child that stops reading its stdin makes
// the write fail with EPIPE instead of killing lamp; a SIGPIPE left pending is discarded.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    if (sigismember(&old_, SIGPIPE)) return;
    const struct timespec zero {};
    while (::sigtimedwait(&pipe_, nullptr, &zero) == SIGPIPE) {
    }
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_{}, old_{};
};

}  // namespace

std::string find_program(const std::string& program, const std::string& search_path) {
  if (program.empty()) return "";
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0 ? program : "";
  std::string path = search_path;
  if (path.empty()) {
    const char* env = std::getenv("PATH");
    path = env ? env : "/usr/local/bin:/usr/bin:/bin";
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto colon = path.find(':', start);
    std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty()) {
      const std::string candidate = dir + "/" + program;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return "";
}

ChildResult run_child(const ChildSpec& spec) {
  ChildResult result;
  if (spec.argv.empty()) {
    result.error = "no program given";
    return result;
  }
  const std::string exe = find_program(spec.argv.front(), spec.search_path);
  if (exe.empty()) {
    result.error = spec.argv.front() + " is not installed (not found on PATH)";
    return result;
  }
  bp::environment env;
  // set(), not operator[]: Boost 1.74's environment::find reads past shorter entries.
  for (const auto& [name, value] : spec.env) env.set(name, value);
  if (env.empty()) env.set("PATH", "/usr/bin:/bin");  // an empty block would mean "inherit"

  const SigpipeBlock no_sigpipe;
  asio::io_context io(1);
  bp::async_pipe in(io), out(io), err(io);
  std::error_code spawn_error;
  const std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
  bp::child child(bp::exe = exe, bp::args = args, env,
                  bp::start_dir = spec.working_dir.empty() ? std::string(".") : spec.working_dir,
                  bp::std_in < in, bp::std_out > out, bp::std_err > err, ChildSetup{}, spawn_error);
  if (spawn_error) {
    result.error = "cannot start " + exe + ": " + spawn_error.message();
    return result;
  }
  result.started = true;
  const pid_t pid = child.id();
  const auto deadline = Clock::now() + spec.time_limit;
  auto kill_group = [&] {
    result.timed_out = true;
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);  // should it not have reached setpgid yet
  };

  asio::steady_timer timer(io, spec.time_limit);
  timer.async_wait([&](const boost::system::error_code& ec) {
    if (!ec) kill_group();
  });
  int open_streams = 2;
  auto stream_ended = [&] {
    if (--open_streams == 0) timer.cancel();
  };
  asio::async_write(in, asio::buffer(spec.stdin_text), [&in](const boost::system::error_code&, std::size_t) {
    boost::system::error_code ignored;
    in.close(ignored);  // EOF for the child; a child that stopped reading just loses the rest
  });
  std::array<char, 16384> out_chunk{}, err_chunk{};
  read_all(out, result.out, spec.max_output_bytes, out_chunk, stream_ended);
  read_all(err, result.err, spec.max_output_bytes, err_chunk, stream_ended);
  io.run();

  // Both streams ended; a child that closed them early still has until the deadline to exit.
  std::error_code ec;
  while (child.running(ec) && !ec) {
    if (Clock::now() >= deadline) {
      kill_group();
      child.wait(ec);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const int status = child.native_exit_code();
  if (WIFEXITED(status) && !result.timed_out) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace lamp::proc
