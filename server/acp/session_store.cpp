// SPDX-License-Identifier: GPL-3.0-or-later
// Session bookkeeping: creation with unguessable ids, lookup by owner, pruning of the dead.
#include "acp/session_store.hpp"

#include "acp/prompt_turn.hpp"
#include "rpc/dispatcher.hpp"

#include <cstdio>

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

}  // namespace lamp::acp
