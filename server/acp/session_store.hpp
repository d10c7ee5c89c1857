// SPDX-License-Identifier: GPL-3.0-or-later
// SessionStore: every ACP session of the server (sessionId -> Session) and what each
// connection advertised in `initialize`. Sessions of closed connections are dropped.
#pragma once

#include "acp/session.hpp"

#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>

namespace lamp::acp {

class SessionStore {
 public:
  SessionStore();
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // Executor thread only, like every method here.
  void set_client(const std::shared_ptr<rpc::Dispatcher>& peer, ClientCapabilities caps);
  ClientCapabilities client(const std::shared_ptr<rpc::Dispatcher>& peer) const;

  std::shared_ptr<Session> create(std::string cwd, const std::shared_ptr<rpc::Dispatcher>& peer);
  // The session with this id if it belongs to `peer`, else nullptr.
  std::shared_ptr<Session> find(std::string_view id, const std::shared_ptr<rpc::Dispatcher>& peer);
  std::size_t size() const { return sessions_.size(); }

 private:
  void prune();
  std::string new_id();

  std::map<std::string, std::shared_ptr<Session>, std::less<>> sessions_;
  // Keyed by the connection's control block: an entry never matches a later connection.
  std::map<std::weak_ptr<rpc::Dispatcher>, ClientCapabilities, std::owner_less<>> clients_;
  std::mt19937_64 rng_;
};

}  // namespace lamp::acp
