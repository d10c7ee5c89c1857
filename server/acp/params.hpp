// SPDX-License-Identifier: GPL-3.0-or-later
// Reading ACP request params: typed field access that fails with -32602 naming the field, so
// every ACP method reports malformed input the same way.
#pragma once

#include "proto/jsonrpc.hpp"

#include <string>
#include <string_view>

namespace lamp::acp {

using proto::json;

// -32602 "Invalid params" with data {detail}.
proto::RpcError invalid_params(std::string detail);

// `params` itself, which must be an object.
const json& object_params(const json& params, std::string_view method);

// The string at `key`; -32602 when missing or not a string.
const std::string& string_field(const json& object, std::string_view key, std::string_view where);

// The bool at object[key][sub] when present and boolean, else false (capabilities).
bool flag(const json& object, std::string_view key, std::string_view sub);

}  // namespace lamp::acp
