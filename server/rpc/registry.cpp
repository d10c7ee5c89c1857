// SPDX-License-Identifier: GPL-3.0-or-later
// MethodRegistry implementation: a sorted map from method name to handler.
#include "rpc/registry.hpp"

namespace lamp::rpc {

void MethodRegistry::add(std::string name, Handler handler) { handlers_[std::move(name)] = std::move(handler); }

void MethodRegistry::add_sync(std::string name, SyncHandler handler) {
  add(std::move(name), [handler = std::move(handler)](const std::shared_ptr<Call>& call) {
    call->reply(handler(*call));
  });
}

const Handler* MethodRegistry::find(std::string_view name) const {
  const auto it = handlers_.find(name);
  return it == handlers_.end() ? nullptr : &it->second;
}

std::vector<std::string> MethodRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(handlers_.size());
  for (const auto& [name, _] : handlers_) out.push_back(name);
  return out;
}

}  // namespace lamp::rpc
