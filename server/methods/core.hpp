// SPDX-License-Identifier: GPL-3.0-or-later
// Registration of lamp's built-in methods: ping, server.describe, server.status,
// $/cancelRequest, and (only when asked for) the test.* methods used by the test suites.
#pragma once

#include "app/context.hpp"
#include "rpc/registry.hpp"

namespace lamp::methods {

void register_core(rpc::MethodRegistry& registry, app::ServerContext& ctx);
// test.sleep, test.echo, test.notify: enabled by `lamp serve --enable-test-methods`.
void register_test_methods(rpc::MethodRegistry& registry);

}  // namespace lamp::methods
