// SPDX-License-Identifier: GPL-3.0-or-later
// MethodRegistry: JSON-RPC methods by name. A handler takes a Call and completes it (now or
// later); middleware wraps every handler, like nREPL's middleware chain.
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
using Middleware = std::function<Handler(std::string_view method, Handler next)>;

class MethodRegistry {
 public:
  // Registers an asynchronous method; the handler must eventually reply, fail, or be cancelled.
  void add(std::string name, Handler handler);
  // Registers a method whose result is computed at once.
  void add_sync(std::string name, SyncHandler handler);
  // Wraps every method, present and future. The last added middleware runs first.
  void use(Middleware middleware);

  // The composed handler for a method, or nullptr when unknown.
  const Handler* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  void compose(const std::string& name);

  std::map<std::string, Handler, std::less<>> raw_;
  std::map<std::string, Handler, std::less<>> composed_;
  std::vector<Middleware> middleware_;
};

}  // namespace lamp::rpc
