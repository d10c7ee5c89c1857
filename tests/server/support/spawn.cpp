// SPDX-License-Identifier: GPL-3.0-or-later
// Spawned implementation: everything the child needs is prepared before fork, so the child
// only makes system calls.
#include "support/spawn.hpp"

#include "support/lamp_process.hpp"
#include "proto/socket_path.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace lamp::harness {

Spawned::Spawned(const SpawnOptions& options) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const char* name : {"LAMP_UDS", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE",
                           "LAMP_MODELS", "LAMP_DEFAULT_MODEL", "LAMP_LOG"}) {
    env.erase(name);
  }
  for (const auto& [k, v] : options.env) env[k] = v;
  std::vector<std::string> env_text;
  for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_text) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = options.argv;
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string err_path = options.stderr_path.empty() ? "/dev/null" : options.stderr_path;

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ > 0) return;
  // Child: system calls only.
  const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (err < 0 || null < 0) ::_exit(126);
  ::dup2(null, 0);
  ::dup2(null, 1);
  ::dup2(err, 2);
  if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ::_exit(126);
  if (options.unlimited_core) {
    const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    if (::setrlimit(RLIMIT_CORE, &unlimited) != 0) ::_exit(126);
  }
  // Opened while still root: the build tree may sit in a directory the other uid cannot enter
  // (a private clone under /tmp); the binary itself is world-executable.
  const int program = ::open(argv[0], O_RDONLY | O_CLOEXEC);
  if (program < 0) ::_exit(127);
  if (options.uid) {
    // The error file was opened above, while we could still create it anywhere.
    if (::fchown(err, *options.uid, *options.uid) != 0 || ::setgroups(0, nullptr) != 0 ||
        ::setresgid(*options.uid, *options.uid, *options.uid) != 0 ||
        ::setresuid(*options.uid, *options.uid, *options.uid) != 0) {
      ::_exit(125);
    }
  }
  ::fexecve(program, argv.data(), envp.data());
  ::_exit(127);
}

Spawned::~Spawned() {
  if (pid_ <= 0 || status_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

void Spawned::signal(int sig) const { ::kill(pid_, sig); }

std::optional<int> Spawned::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!status_) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      status_ = status;
      break;
    }
    if (r < 0 || std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

std::string private_dir_for(const std::string& parent, const std::string& name, uid_t uid) {
  const std::string dir = parent + "/" + name;
  if (::chmod(parent.c_str(), 0711) != 0 || ::mkdir(dir.c_str(), 0700) != 0 ||
      ::chown(dir.c_str(), uid, uid) != 0) {
    throw std::runtime_error("cannot prepare " + dir + ": " + std::strerror(errno));
  }
  return dir;
}

bool wait_for_socket(const std::string& path, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!socket_answers(path)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::optional<std::string> exchange(const std::string& path, const std::string& request,
                                    std::chrono::milliseconds timeout, int* connect_errno) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const auto addr = proto::unix_address(path);
  if (fd < 0 || !addr || ::connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) != 0) {
    if (connect_errno) *connect_errno = errno;
    if (fd >= 0) ::close(fd);
    return std::nullopt;
  }
  // The server may already have closed: a failed send is part of what is being observed.
  [[maybe_unused]] const auto sent = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[4096];
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;  // closed (or reset after the server's last line)
    received.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return received;
}

long owner_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return -1;
  return static_cast<long>(st.st_uid);
}

}  // namespace lamp::harness
