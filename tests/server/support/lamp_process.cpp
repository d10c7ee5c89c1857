// SPDX-License-Identifier: GPL-3.0-or-later
// Test support implementation.
#include "support/lamp_process.hpp"

#include "proto/socket_path.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace bp = boost::process;

namespace lamp::harness {

namespace {

// Boost 1.74's child::wait_for sleeps out its whole timeout; poll running() instead.
bool wait_for_exit(bp::child& c, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::error_code ec;
  while (c.running(ec) && !ec) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return !ec;
}

bp::environment make_env(const std::map<std::string, std::string>& extra) {
  bp::environment env = boost::this_process::environment();
  // The tests decide about these; the developer's shell must not leak in.
  for (const char* name : {"LAMP_UDS", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE",
                           "LAMP_MODELS", "LAMP_DEFAULT_MODEL", "SSL_CERT_FILE", "SSL_CERT_DIR",
                           "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
                           "all_proxy", "NO_PROXY", "no_proxy"}) {
    env.erase(name);
  }
  // set(), not operator[]: Boost 1.74's environment::find compares past the end of shorter
  // entries (a heap over-read that ASan reports); set() compares lengths first.
  for (const auto& [k, v] : extra) env.set(k, v);
  return env;
}

}  // namespace

CommandResult run_lamp(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env, std::chrono::seconds timeout) {
  TempDir dir;
  const auto out_path = dir.file("out");
  const auto err_path = dir.file("err");
  bp::child c(std::string(LAMP_BINARY), bp::args(args), make_env(env), bp::std_out > out_path,
              bp::std_err > err_path, bp::std_in < bp::null);
  CommandResult r;
  if (!wait_for_exit(c, timeout)) {
    c.terminate();
    throw std::runtime_error("lamp did not finish in time");
  }
  r.exit_code = c.exit_code();
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

LampServer::LampServer(std::string socket_path, Options options)
    : socket_(std::move(socket_path)) {
  // The log lives outside the socket directory so directory checks see only what tests made.
  log_path_ = (std::filesystem::temp_directory_path() /
               ("lamp-test-" + std::to_string(::getpid()) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".log"))
                  .string();
  std::vector<std::string> args = {"serve", "--socket", socket_};
  if (options.test_methods) args.emplace_back("--enable-test-methods");
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  child_ = bp::child(std::string(LAMP_BINARY), bp::args(args), make_env(options.env),
                     bp::std_err > log_path_, bp::std_out > bp::null, bp::std_in < bp::null);
  if (!options.wait_ready) return;
  wait_until_ready(child_, [this] { return socket_answers(socket_); },
                   [this] { return "lamp did not start: " + stderr_text(); });
}

LampServer::~LampServer() {
  kill_and_reap(child_);
  std::error_code ec;
  std::filesystem::remove(log_path_, ec);
}

void wait_until_ready(bp::child& child, const std::function<bool()>& ready,
                      const std::function<std::string()>& failure) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!ready()) {
    std::error_code ec;
    if (!child.running(ec) || std::chrono::steady_clock::now() > deadline) throw std::runtime_error(failure());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void kill_and_reap(bp::child& child) {
  std::error_code ec;
  if (child.running(ec)) {
    ::kill(child.id(), SIGKILL);
    child.wait(ec);
  }
}

int read_port(const std::string& port_file) {
  std::ifstream in(port_file);
  int port = 0;
  return in >> port ? port : 0;
}

pid_t LampServer::pid() const { return child_.id(); }

bool LampServer::running() {
  std::error_code ec;
  return child_.running(ec);
}

void LampServer::signal(int sig) { ::kill(child_.id(), sig); }

std::optional<int> LampServer::wait_exit(std::chrono::milliseconds timeout) {
  if (!wait_for_exit(child_, timeout)) return std::nullopt;
  return child_.exit_code();
}

std::string LampServer::stderr_text() const { return read_file(log_path_); }

namespace {

sockaddr_un local_address(const std::string& path) {
  const auto addr = proto::unix_address(path);
  if (!addr) throw std::runtime_error("not a usable socket path: " + path);
  return *addr;
}

}  // namespace

void make_dead_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr = local_address(path);
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  if (!bound) throw std::runtime_error("cannot bind " + path + ": " + std::strerror(errno));
}

bool socket_answers(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr = local_address(path);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

int mode_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace lamp::harness
