// SPDX-License-Identifier: GPL-3.0-or-later
// The wisp.patch method: prompt → model → repaired edit → verified unified diff, with one
// corrective retry when the reply cannot be applied.
#pragma once

#include "rpc/registry.hpp"
#include "upstream/chat_service.hpp"

#include <boost/asio/thread_pool.hpp>

namespace lamp::methods {

// `cpu` runs the reply repair and diffing, so big buffers never stall the event loop.
void register_wisp_patch(rpc::MethodRegistry& registry, upstream::ChatService& chat,
                         boost::asio::thread_pool& cpu);

}  // namespace lamp::methods
