// SPDX-License-Identifier: GPL-3.0-or-later
// Typed access to ACP params with -32602 errors that name the offending field.
#include "acp/params.hpp"

namespace lamp::acp {

proto::RpcError invalid_params(std::string detail) {
  return proto::error_with_detail(proto::code::invalid_params, "Invalid params", std::move(detail));
}

const json& object_params(const json& params, std::string_view method) {
  if (!params.is_object()) throw invalid_params(std::string(method) + " params must be an object");
  return params;
}

const std::string& string_field(const json& object, std::string_view key, std::string_view where) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    throw invalid_params(std::string(where) + "." + std::string(key) + " must be a string");
  }
  return it->get_ref<const std::string&>();
}

bool flag(const json& object, std::string_view key, std::string_view sub) {
  const auto outer = object.find(key);
  if (outer == object.end() || !outer->is_object()) return false;
  const auto inner = outer->find(sub);
  return inner != outer->end() && inner->is_boolean() && inner->get<bool>();
}

}  // namespace lamp::acp
