// SPDX-License-Identifier: GPL-3.0-or-later
// Agent: lamp as an Agent Client Protocol agent on its own socket (acp.el, agent-shell via
// `nc -U SOCKET`). Registers initialize, session/new, session/prompt, session/cancel and
// $/cancel_request, and owns the sessions. Create one in `lamp serve`; it must outlive the
// connections (declare it before the transport server).
#pragma once

#include "acp/session_store.hpp"
#include "rpc/registry.hpp"

namespace lamp::upstream {
class ChatService;
}

namespace lamp::acp {

inline constexpr int kProtocolVersion = 1;

class Agent {
 public:
  Agent(rpc::MethodRegistry& registry, upstream::ChatService& chat);
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
  SessionStore sessions_;
};

}  // namespace lamp::acp
