// SPDX-License-Identifier: GPL-3.0-or-later
// Socket path resolution and addresses, shared by the server, the CLI and the Emacs module.
#include "proto/socket_path.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace lamp::proto {

std::string resolve_socket_path(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (const char* uds = std::getenv("LAMP_UDS"); uds && *uds) return uds;
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg) {
    return std::string(xdg) + "/lamp/lamp.sock";
  }
  return "/tmp/lamp-" + std::to_string(::getuid()) + "/lamp.sock";
}

std::optional<sockaddr_un> unix_address(const std::string& path) {
  if (path.empty() || path.size() > kMaxSocketPath) return std::nullopt;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

}  // namespace lamp::proto
