// SPDX-License-Identifier: GPL-3.0-or-later
// Where the lamp socket lives: --socket, else $LAMP_UDS, else $XDG_RUNTIME_DIR/lamp/lamp.sock,
// else /tmp/lamp-$UID/lamp.sock (docs/protocol.md, Transport); and its address for bind/connect.
#pragma once

#include <sys/un.h>

#include <cstddef>
#include <optional>
#include <string>

namespace lamp::proto {

// `explicit_path` is the --socket value (empty when not given).
std::string resolve_socket_path(const std::string& explicit_path);

// The longest path a Unix socket address holds (107 bytes on Linux).
inline constexpr std::size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;

// The AF_UNIX address of `path`, or nullopt when it is empty or longer than kMaxSocketPath.
std::optional<sockaddr_un> unix_address(const std::string& path);

}  // namespace lamp::proto
