// SPDX-License-Identifier: GPL-3.0-or-later
// PeerCheck: who may talk to lamp. Reads the credentials the kernel recorded when a client
// connected (SO_PEERCRED) and decides, as a pure function, whether that client is served.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace lamp::transport {

// JSON-RPC error code of the one message a refused client receives (docs/protocol.md).
inline constexpr int kPeerRefusedCode = -32006;

struct PeerCredentials {
  pid_t pid = 0;
  uid_t uid = 0;  // the client's effective uid when it called connect()
  gid_t gid = 0;
};

// The kernel's record of the peer of a connected Unix socket; nothing if it cannot be read.
std::optional<PeerCredentials> peer_credentials(int fd);

// Why the peer is refused, or nothing when it is served. Only the server's own effective uid
// is served. Root is not exempt: root can reach the socket, but lamp acts for, and spends the
// API key of, one user only.
std::optional<std::string> peer_refusal(const std::optional<PeerCredentials>& peer, uid_t server_uid);

// The single NDJSON line sent to a refused peer before the connection is closed: an error
// response with id null, code kPeerRefusedCode and `reason` as its message.
std::string refusal_line(const std::optional<PeerCredentials>& peer, uid_t server_uid,
                         const std::string& reason);

}  // namespace lamp::transport
