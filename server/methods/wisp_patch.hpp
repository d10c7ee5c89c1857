// SPDX-License-Identifier: GPL-3.0-or-later
// The wisp.patch method: prompt → model → repaired edit → verified unified diff, with one
// corrective retry when the reply cannot be applied.
#pragma once

#include "check/report.hpp"
#include "methods/project_context.hpp"
#include "rpc/registry.hpp"
#include "upstream/chat_service.hpp"

#include <boost/asio/thread_pool.hpp>

namespace lamp::methods {

// `cpu` runs the project map, reply repair, diffing and syntax checks (with `checks`' time
// limit), so big buffers and child processes never stall the event loop. `project` must
// outlive the registry.
void register_wisp_patch(rpc::MethodRegistry& registry, upstream::ChatService& chat,
                         boost::asio::thread_pool& cpu, check::CheckOptions checks, ProjectContext& project);

}  // namespace lamp::methods
