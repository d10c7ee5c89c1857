// SPDX-License-Identifier: GPL-3.0-or-later
// MethodRegistry implementation: handlers are composed with middleware once, at registration.
#include "rpc/registry.hpp"

namespace lamp::rpc {

void MethodRegistry::add(std::string name, Handler handler) {
  raw_[name] = std::move(handler);
  compose(name);
}

void MethodRegistry::add_sync(std::string name, SyncHandler handler) {
  add(std::move(name), [handler = std::move(handler)](const std::shared_ptr<Call>& call) {
    call->reply(handler(*call));
  });
}

void MethodRegistry::use(Middleware middleware) {
  middleware_.push_back(std::move(middleware));
  for (const auto& [name, _] : raw_) compose(name);
}

void MethodRegistry::compose(const std::string& name) {
  Handler h = raw_.at(name);
  for (const auto& m : middleware_) h = m(name, std::move(h));
  composed_[name] = std::move(h);
}

const Handler* MethodRegistry::find(std::string_view name) const {
  const auto it = composed_.find(name);
  return it == composed_.end() ? nullptr : &it->second;
}

std::vector<std::string> MethodRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(raw_.size());
  for (const auto& [name, _] : raw_) out.push_back(name);
  return out;
}

}  // namespace lamp::rpc
