// SPDX-License-Identifier: GPL-3.0-or-later
// MethodRegistry: JSON-RPC methods by name. A handler takes a Call and completes it (now or
// later).
#pragma once

#include "rpc/call.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::rpc {

using Handler = std::function<void(const std::shared_ptr<Call>&)>;
using SyncHandler = std::function<json(Call&)>;

class MethodRegistry {
 public:
  // Registers an asynchronous method; the handler must eventually reply, fail, or be cancelled.
  void add(std::string name, Handler handler);
  // Registers a method whose result is computed at once.
  void add_sync(std::string name, SyncHandler handler);

  // The handler of a method, or nullptr when unknown.
  const Handler* find(std::string_view name) const;
  // Every method name, sorted.
  std::vector<std::string> names() const;

 private:
  std::map<std::string, Handler, std::less<>> handlers_;
};

}  // namespace lamp::rpc
