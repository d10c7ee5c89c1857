// SPDX-License-Identifier: GPL-3.0-or-later
// SocketFile implementation with POSIX calls: the checks need lstat/connect precision that
// Asio does not expose.
#include "transport/socket_file.hpp"

#include "log.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace lamp::transport {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

sockaddr_un make_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    throw StartupError("Socket path is too long (" + std::to_string(path.size()) +
                       " bytes, at most " + std::to_string(sizeof(addr.sun_path) - 1) +
                       "): " + path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

// Creates the directory (and missing parents) with mode 0700; the last component must end up
// a real directory owned by us and writable by nobody else.
void ensure_private_dir(const std::filesystem::path& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) throw StartupError("Cannot inspect " + dir.string() + ": " + errno_text(errno));
    if (dir.has_parent_path() && dir.parent_path() != dir) {
      std::error_code ec;
      std::filesystem::create_directories(dir.parent_path(), ec);
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      throw StartupError("Cannot create socket directory " + dir.string() + ": " + errno_text(errno));
    }
    if (::lstat(dir.c_str(), &st) != 0) {
      throw StartupError("Cannot inspect " + dir.string() + ": " + errno_text(errno));
    }
  }
  if (S_ISLNK(st.st_mode)) {
    throw StartupError("Refusing socket directory " + dir.string() + ": it is a symbolic link");
  }
  if (!S_ISDIR(st.st_mode)) {
    throw StartupError("Refusing socket directory " + dir.string() + ": not a directory");
  }
  if (st.st_uid != ::geteuid()) {
    throw StartupError("Refusing socket directory " + dir.string() + ": owned by uid " +
                       std::to_string(st.st_uid) + ", not by you");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    throw StartupError("Refusing socket directory " + dir.string() +
                       ": it is writable by group or others (chmod 700 it)");
  }
}

// Result of trying to connect to an existing socket file.
enum class Probe { alive, dead, unknown };

Probe probe(const std::string& path, int* err) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *err = errno;
    return Probe::unknown;
  }
  const auto addr = make_address(path);
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  *err = errno;
  ::close(fd);
  if (rc == 0) return Probe::alive;
  return *err == ECONNREFUSED ? Probe::dead : Probe::unknown;
}

}  // namespace

SocketFile::SocketFile(std::string path) : path_(std::move(path)) {
  make_address(path_);  // length check first
  const std::filesystem::path p(path_);
  ensure_private_dir(p.has_parent_path() ? p.parent_path() : std::filesystem::path("."));

  struct stat st {};
  if (::lstat(path_.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw StartupError("Cannot inspect " + path_ + ": " + errno_text(errno));
  }
  if (!S_ISSOCK(st.st_mode)) throw StartupError("Refusing to replace non-socket path at " + path_);
  int err = 0;
  switch (probe(path_, &err)) {
    case Probe::alive:
      throw StartupError("lamp is already running at " + path_);
    case Probe::dead:
      log::info("removing stale socket ", path_);
      if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
        throw StartupError("Cannot remove stale socket " + path_ + ": " + errno_text(errno));
      }
      return;
    case Probe::unknown:
      throw StartupError("Cannot tell whether the socket at " + path_ +
                         " is in use (" + errno_text(err) + "); not replacing it");
  }
}

int SocketFile::bind_and_listen(int backlog) {
  const auto addr = make_address(path_);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw StartupError("Cannot create socket: " + errno_text(errno));
  // umask makes the socket 0600 from the start; chmod below covers exotic umask handling.
  const mode_t old_mask = ::umask(0177);
  const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  const int bind_errno = errno;
  ::umask(old_mask);
  if (rc != 0) {
    ::close(fd);
    if (bind_errno == EADDRINUSE) throw StartupError("lamp is already running at " + path_);
    throw StartupError("Cannot bind " + path_ + ": " + errno_text(bind_errno));
  }
  struct stat st {};
  if (::chmod(path_.c_str(), 0600) != 0 || ::lstat(path_.c_str(), &st) != 0 ||
      ::listen(fd, backlog) != 0) {
    const int e = errno;
    ::close(fd);
    ::unlink(path_.c_str());
    throw StartupError("Cannot listen on " + path_ + ": " + errno_text(e));
  }
  bound_ = true;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  return fd;
}

SocketFile::~SocketFile() {
  if (!bound_) return;
  // Another server may have replaced the path since; remove it only if it is still ours.
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == dev_ &&
      st.st_ino == ino_) {
    ::unlink(path_.c_str());
  }
}

}  // namespace lamp::transport
