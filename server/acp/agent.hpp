// SPDX-License-Identifier: GPL-3.0-or-later
// Agent: lamp as an Agent Client Protocol agent on its own socket (acp.el, agent-shell via
// `nc -U SOCKET`): the ACP methods, and the sessions they create (docs/acp.md).
#pragma once

#include "acp/session.hpp"
#include "proto/jsonrpc.hpp"
#include "rpc/registry.hpp"

#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>

namespace lamp::upstream {
class ChatService;
}

namespace lamp::acp {

using proto::json;

// SessionStore: every ACP session of the server (sessionId -> Session) and what each
// connection advertised in `initialize`. Sessions of closed connections are dropped.
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

inline constexpr int kProtocolVersion = 1;

// Agent: registers the ACP methods and owns the sessions. Create one in `lamp serve`, before
// the transport server so that it outlives connections.
class Agent {
 public:
  // Registers initialize, session/new, session/prompt, session/cancel and $/cancel_request.
  // `cpu` applies edit blocks off the event loop (the pool wisp.patch uses).
  Agent(rpc::MethodRegistry& registry, upstream::ChatService& chat, boost::asio::thread_pool& cpu);
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  const SessionStore& sessions() const { return sessions_; }

 private:
  void initialize(const std::shared_ptr<rpc::Call>& call);
  void new_session(const std::shared_ptr<rpc::Call>& call);
  void prompt(const std::shared_ptr<rpc::Call>& call);
  void cancel(const std::shared_ptr<rpc::Call>& call);
  std::shared_ptr<Session> session_for(const rpc::Call& call, const json& params);

  upstream::ChatService& chat_;
  boost::asio::thread_pool& cpu_;
  SessionStore sessions_;
};

}  // namespace lamp::acp
