// SPDX-License-Identifier: GPL-3.0-or-later
// The ACP agent methods (ACP v1; docs/protocol.md, "ACP on the same socket") and the session store.
#include "acp/agent.hpp"

#include "acp/protocol.hpp"
#include "acp/prompt_turn.hpp"
#include "rpc/dispatcher.hpp"

#include <cstdio>

#ifndef LAMP_VERSION
#define LAMP_VERSION "0.0.0"
#endif

// Session bookkeeping: creation with unguessable ids, lookup by owner, pruning of the dead.
namespace lamp::acp {

SessionStore::SessionStore() : rng_(std::random_device{}()) {}

// Turns end (and cancel their upstream calls) before the sessions they point into go.
SessionStore::~SessionStore() {
  for (auto& [id, session] : sessions_) session->turn.reset();
}

void SessionStore::set_client(const std::shared_ptr<rpc::Dispatcher>& peer, ClientCapabilities caps) {
  prune();
  clients_[peer] = caps;
}

ClientCapabilities SessionStore::client(const std::shared_ptr<rpc::Dispatcher>& peer) const {
  const auto it = clients_.find(peer);
  return it == clients_.end() ? ClientCapabilities{} : it->second;
}

std::shared_ptr<Session> SessionStore::create(std::string cwd,
                                              const std::shared_ptr<rpc::Dispatcher>& peer) {
  prune();
  auto session = std::make_shared<Session>();
  do {
    session->id = new_id();
  } while (sessions_.contains(session->id));
  session->cwd = std::move(cwd);
  session->owner = peer;
  session->client = client(peer);
  sessions_.emplace(session->id, session);
  return session;
}

std::shared_ptr<Session> SessionStore::find(std::string_view id,
                                            const std::shared_ptr<rpc::Dispatcher>& peer) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  const auto owner = it->second->owner.lock();
  if (!owner) {
    sessions_.erase(it);
    return nullptr;
  }
  return owner == peer ? it->second : nullptr;
}

void SessionStore::prune() {
  std::erase_if(sessions_, [](const auto& entry) { return entry.second->owner.expired(); });
  std::erase_if(clients_, [](const auto& entry) { return entry.first.expired(); });
}

std::string SessionStore::new_id() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "lamp-%016llx%08llx", static_cast<unsigned long long>(rng_()),
                static_cast<unsigned long long>(rng_() & 0xffffffffu));
  return buf;
}

// The ACP agent methods.

Agent::Agent(rpc::MethodRegistry& registry, upstream::ChatService& chat, boost::asio::thread_pool& cpu)
    : chat_(chat), cpu_(cpu) {
  registry.add("initialize", [this](const auto& call) { initialize(call); });
  registry.add("session/new", [this](const auto& call) { new_session(call); });
  registry.add("session/prompt", [this](const auto& call) { prompt(call); });
  registry.add("session/cancel", [this](const auto& call) { cancel(call); });
  // The SDK's request cancellation ({requestId}); lamp's own is $/cancelRequest ({id}).
  registry.add("$/cancel_request", [](const std::shared_ptr<rpc::Call>& call) {
    const json& params = object_params(call->params(), "$/cancel_request");
    const auto id = params.find("requestId");
    if (id == params.end() || !(id->is_string() || id->is_number())) {
      throw invalid_params("$/cancel_request.requestId must be a string or a number");
    }
    if (const auto peer = call->peer()) peer->cancel(*id);
    call->reply(nullptr);
  });
}

void Agent::initialize(const std::shared_ptr<rpc::Call>& call) {
  const json& params = object_params(call->params(), "initialize");
  const auto version = params.find("protocolVersion");
  if (version == params.end() || !version->is_number_integer()) {
    throw invalid_params("initialize.protocolVersion must be an integer");
  }
  const json caps = params.value("clientCapabilities", json::object());
  const auto peer = call->peer();
  if (peer && caps.is_object()) {
    sessions_.set_client(peer, ClientCapabilities{flag(caps, "fs", "readTextFile"),
                                                  flag(caps, "fs", "writeTextFile")});
  }
  // Version 1 is the only one lamp speaks; a client that cannot use it disconnects.
  call->reply(json{
      {"protocolVersion", kProtocolVersion},
      {"agentCapabilities",
       {{"loadSession", false},
        {"promptCapabilities", {{"image", false}, {"audio", false}, {"embeddedContext", true}}},
        {"mcpCapabilities", {{"http", false}, {"sse", false}}}}},
      {"authMethods", json::array()},
      {"agentInfo", {{"name", "lamp"}, {"title", "lamp"}, {"version", LAMP_VERSION}}},
  });
}

void Agent::new_session(const std::shared_ptr<rpc::Call>& call) {
  const json& params = object_params(call->params(), "session/new");
  const std::string& cwd = string_field(params, "cwd", "session/new");
  if (cwd.empty() || cwd.front() != '/') {
    throw invalid_params("session/new.cwd must be an absolute path, got \"" + cwd + "\"");
  }
  if (const auto mcp = params.find("mcpServers"); mcp != params.end() && !mcp->is_array()) {
    throw invalid_params("session/new.mcpServers must be an array");
  }
  const auto peer = call->peer();
  if (!peer) return;  // the connection is already gone
  const auto session = sessions_.create(cwd, peer);
  call->reply(json{{"sessionId", session->id}});
}

std::shared_ptr<Session> Agent::session_for(const rpc::Call& call, const json& params) {
  const std::string& id = string_field(params, "sessionId", call.method());
  const auto peer = call.peer();
  auto session = peer ? sessions_.find(id, peer) : nullptr;
  if (!session) throw invalid_params("unknown sessionId \"" + id + "\" (sessions belong to the connection that created them)");
  return session;
}

void Agent::prompt(const std::shared_ptr<rpc::Call>& call) {
  const json& params = object_params(call->params(), "session/prompt");
  const auto session = session_for(*call, params);
  const auto prompt = params.find("prompt");
  auto pieces = parse_prompt(prompt == params.end() ? json() : *prompt);
  if (session->turn) {
    throw invalid_params("session " + session->id +
                         " is already answering a prompt; wait for its stopReason or send session/cancel");
  }
  session->turn = std::make_shared<PromptTurn>(call, session, chat_, cpu_, std::move(pieces));
  const auto turn = session->turn;
  turn->start();
}

void Agent::cancel(const std::shared_ptr<rpc::Call>& call) {
  const json& params = object_params(call->params(), "session/cancel");
  const auto session = session_for(*call, params);
  if (const auto turn = session->turn) turn->cancel();
  call->reply(nullptr);
}

}  // namespace lamp::acp
