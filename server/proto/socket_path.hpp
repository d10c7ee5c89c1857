// SPDX-License-Identifier: GPL-3.0-or-later
// Where the lamp socket lives: --socket, else $LAMP_UDS, else $XDG_RUNTIME_DIR/lamp/lamp.sock,
// else /tmp/lamp-$UID/lamp.sock (docs/protocol.md, Transport).
#pragma once

#include <string>

namespace lamp::proto {

// `explicit_path` is the --socket value (empty when not given).
std::string resolve_socket_path(const std::string& explicit_path);

}  // namespace lamp::proto
