// SPDX-License-Identifier: GPL-3.0-or-later
// SocketFile implementation with POSIX calls: the checks need lstat/connect precision that
// Asio does not expose.
#include "transport/socket_file.hpp"

#include "log.hpp"
#include "proto/socket_path.hpp"

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
  const auto addr = proto::unix_address(path);
  if (!addr) {
    throw StartupError("Socket path is too long (" + std::to_string(path.size()) +
                       " bytes, at most " + std::to_string(proto::kMaxSocketPath) + "): " + path);
  }
  return *addr;
}

std::string describe_uid(uid_t uid) { return "uid " + std::to_string(uid); }

// An ancestor of the socket directory is safe when nobody but us or root can rename or replace
// what is inside it (the rule OpenSSH applies to the paths of its key files): owned by us or
// root, and writable by group or others only with the sticky bit (as /tmp is).
void check_ancestor(const std::string& dir, const std::string& socket_dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    throw StartupError("Cannot inspect " + dir + ": " + errno_text(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    throw StartupError("Refusing socket directory " + socket_dir + ": " + dir + " is not a directory");
  }
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    throw StartupError("Refusing socket directory " + socket_dir + ": its parent directory " + dir +
                       " is owned by " + describe_uid(st.st_uid) + ", neither you nor root");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0) {
    throw StartupError("Refusing socket directory " + socket_dir + ": its parent directory " + dir +
                       " is writable by group or others without the sticky bit");
  }
}

// Checks every directory on the resolved path to `dir` (symbolic links followed), from "/" on.
void check_resolved(const std::filesystem::path& dir, const std::string& socket_dir) {
  std::error_code ec;
  const auto real = std::filesystem::canonical(dir.empty() ? "." : dir, ec);
  if (ec) throw StartupError("Cannot resolve " + dir.string() + ": " + ec.message());
  std::filesystem::path step;
  for (const auto& part : real) {
    step /= part;
    check_ancestor(step.string(), socket_dir);
  }
}

// Walks the ancestors of the socket directory from the top, creating missing ones with mode
// 0700 (only inside checked ones). A symbolic link on the way must belong to us or root:
// whoever owns it can re-point it at any time. Where the path really leads is then checked
// on the resolved path.
void check_ancestors(const std::filesystem::path& parent, const std::string& socket_dir) {
  std::filesystem::path prefix;
  bool created = false;
  for (const auto& part : parent) {
    prefix /= part;
    struct stat st {};
    if (!created && ::lstat(prefix.c_str(), &st) == 0) {
      if (S_ISLNK(st.st_mode) && st.st_uid != ::geteuid() && st.st_uid != 0) {
        throw StartupError("Refusing socket directory " + socket_dir + ": " + prefix.string() +
                           " is a symbolic link owned by " + describe_uid(st.st_uid));
      }
      continue;
    }
    if (!created && errno != ENOENT) {
      throw StartupError("Cannot inspect " + prefix.string() + ": " + errno_text(errno));
    }
    if (!created) check_resolved(prefix.parent_path(), socket_dir);
    created = true;
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      throw StartupError("Cannot create directory " + prefix.string() + ": " + errno_text(errno));
    }
  }
  if (!created) check_resolved(parent, socket_dir);
}

// Creates the directory (and missing parents) with mode 0700; the last component must end up
// a real directory owned by us and writable by nobody else, inside safe ancestors.
void ensure_private_dir(const std::filesystem::path& dir) {
  // A relative directory's ancestors include the working directory's ("" stands for ".").
  if (dir != dir.root_path()) {
    check_ancestors(dir.has_parent_path() ? dir.parent_path() : std::filesystem::path(), dir.string());
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) throw StartupError("Cannot inspect " + dir.string() + ": " + errno_text(errno));
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
    throw StartupError("Refusing socket directory " + dir.string() + ": owned by " +
                       describe_uid(st.st_uid) + ", not by you");
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
  // Never followed: a link could point at another user's socket or file.
  if (S_ISLNK(st.st_mode)) {
    throw StartupError("Refusing socket path " + path_ +
                       ": it is a symbolic link (lamp neither follows nor replaces it)");
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
