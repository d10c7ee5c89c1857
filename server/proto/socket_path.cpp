// SPDX-License-Identifier: GPL-3.0-or-later
// Socket path resolution shared by the server, the CLI and the Emacs module.
#include "proto/socket_path.hpp"

#include <unistd.h>

#include <cstdlib>

namespace lamp::proto {

std::string resolve_socket_path(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (const char* uds = std::getenv("LAMP_UDS"); uds && *uds) return uds;
  if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg) {
    return std::string(xdg) + "/lamp/lamp.sock";
  }
  return "/tmp/lamp-" + std::to_string(::getuid()) + "/lamp.sock";
}

}  // namespace lamp::proto
