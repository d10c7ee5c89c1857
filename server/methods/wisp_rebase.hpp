// SPDX-License-Identifier: GPL-3.0-or-later
// The wisp.rebase method: a proposal made against one text, carried over to the text as the
// user has edited it since (docs/protocol.md, Methods).
#pragma once

#include "rpc/registry.hpp"

#include <boost/asio/thread_pool.hpp>

namespace lamp::methods {

// `cpu` runs the merges, so big buffers never stall the event loop.
void register_wisp_rebase(rpc::MethodRegistry& registry, boost::asio::thread_pool& cpu);

}  // namespace lamp::methods
