// SPDX-License-Identifier: GPL-3.0-or-later
// PeerCheck implementation: getsockopt(SO_PEERCRED) and the refusal message.
#include "transport/peer_check.hpp"

#include "proto/jsonrpc.hpp"

#include <sys/socket.h>

namespace lamp::transport {

std::optional<PeerCredentials> peer_credentials(int fd) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred)) {
    return std::nullopt;
  }
  return PeerCredentials{cred.pid, cred.uid, cred.gid};
}

std::optional<std::string> peer_refusal(const std::optional<PeerCredentials>& peer, uid_t server_uid) {
  // Fail closed: a peer whose identity is unknown is not served.
  if (!peer) return "connection refused: cannot read the peer's credentials";
  if (peer->uid == server_uid) return std::nullopt;
  return "connection refused: peer uid " + std::to_string(peer->uid) + " is not the server's uid " +
         std::to_string(server_uid);
}

std::string refusal_line(const std::optional<PeerCredentials>& peer, uid_t server_uid,
                         const std::string& reason) {
  proto::json data = {{"server_uid", server_uid}};
  data["peer_uid"] = peer ? proto::json(peer->uid) : proto::json(nullptr);
  return proto::error_text(nullptr, proto::RpcError(kPeerRefusedCode, reason, std::move(data))) + "\n";
}

}  // namespace lamp::transport
