// SPDX-License-Identifier: GPL-3.0-or-later
// Agent: lamp as an Agent Client Protocol agent on its own socket (acp.el, agent-shell via
// `nc -U SOCKET`): registers the ACP methods and owns the sessions (docs/acp.md).
#pragma once

#include "acp/session_store.hpp"
#include "rpc/registry.hpp"

#include <boost/asio/thread_pool.hpp>

namespace lamp::upstream {
class ChatService;
}

namespace lamp::acp {

inline constexpr int kProtocolVersion = 1;

// Create one in `lamp serve`, before the transport server so that it outlives connections.
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
