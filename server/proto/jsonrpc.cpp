// SPDX-License-Identifier: GPL-3.0-or-later
// JSON-RPC 2.0 validation, parsing limits and reply builders.
#include "proto/jsonrpc.hpp"

namespace lamp::proto {
namespace {

bool valid_id(const json& id) { return id.is_string() || id.is_number() || id.is_null(); }

// Nesting depth of a JSON text, counted without parsing (strings are skipped).
int max_depth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > kMaxNestingDepth) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

json RpcError::to_json() const {
  json e = {{"code", code_}, {"message", what()}};
  if (!data_.is_null()) e["data"] = data_;
  return e;
}

RpcError error_with_detail(int code, std::string message, std::string detail) {
  return RpcError(code, std::move(message), json{{"detail", std::move(detail)}});
}

RpcError invalid_params(std::string detail) {
  return error_with_detail(code::invalid_params, "Invalid params", std::move(detail));
}

json parse(std::string_view text) {
  // JSON has no raw NUL (inside a string it is \u0000); nlohmann's parser would take one for
  // the end of the input and accept the message before it, whatever follows.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    throw error_with_detail(code::parse_error, "Parse error",
                            "a NUL byte at offset " + std::to_string(nul) + " (JSON text cannot contain one)");
  }
  if (max_depth(text) > kMaxNestingDepth) {
    throw error_with_detail(code::parse_error, "Parse error",
                            "JSON nesting deeper than " + std::to_string(kMaxNestingDepth));
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    // Syntax errors, ill-formed UTF-8 and numbers beyond double range (out_of_range.406,
    // e.g. 1E400) all map to -32700.
    throw error_with_detail(code::parse_error, "Parse error", e.what());
  }
}

Message classify(json value) {
  if (!value.is_object()) {
    return Invalid{nullptr, error_with_detail(code::invalid_request, "Invalid Request",
                                              "a JSON-RPC message must be an object")};
  }
  auto id_it = value.find("id");
  const bool has_id = id_it != value.end();
  json id = has_id && valid_id(*id_it) ? *id_it : json(nullptr);
  auto invalid = [&](std::string detail) {
    return Invalid{id, error_with_detail(code::invalid_request, "Invalid Request", std::move(detail))};
  };
  if (has_id && !valid_id(*id_it)) return invalid("\"id\" must be a string, a number or null");

  auto version = value.find("jsonrpc");
  if (version == value.end() || *version != "2.0") return invalid("\"jsonrpc\" must be \"2.0\"");

  auto method = value.find("method");
  if (method == value.end()) {
    auto result = value.find("result");
    auto error = value.find("error");
    if (has_id && (result != value.end()) != (error != value.end())) {
      Response r{std::move(id), nullptr, nullptr};
      if (result != value.end()) r.result = std::move(*result);
      if (error != value.end()) r.error = std::move(*error);
      return r;
    }
    return invalid("missing \"method\"");
  }
  if (!method->is_string()) return invalid("\"method\" must be a string");

  // `"params": null` counts as absent: Emacs' jsonrpc.el sends it for requests without params.
  auto params = value.find("params");
  if (params != value.end() && !params->is_null() && !params->is_object() && !params->is_array()) {
    return invalid("\"params\" must be an object or an array");
  }
  Request req;
  req.method = method->get<std::string>();
  req.notification = !has_id;
  req.id = std::move(id);
  if (params != value.end()) req.params = std::move(*params);
  return req;
}

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string result_text(const json& id, const json& result) {
  std::string out = R"({"jsonrpc":"2.0","id":)";
  out += dump(id);
  out += R"(,"result":)";
  out += dump(result);
  out += '}';
  return out;
}

std::string error_text(const json& id, const RpcError& error) {
  std::string out = R"({"jsonrpc":"2.0","id":)";
  out += dump(id);
  out += R"(,"error":)";
  out += dump(error.to_json());
  out += '}';
  return out;
}

// Built member by member: nlohmann's initializer lists deep-copy every value.
json make_result(const json& id, json result) {
  json j = json::object();
  j["jsonrpc"] = "2.0";
  j["id"] = id;
  j["result"] = std::move(result);
  return j;
}

json make_error(const json& id, const RpcError& error) {
  json j = json::object();
  j["jsonrpc"] = "2.0";
  j["id"] = id;
  j["error"] = error.to_json();
  return j;
}

json make_notification(std::string_view method, json params) {
  json j = json::object();
  j["jsonrpc"] = "2.0";
  j["method"] = method;
  j["params"] = std::move(params);
  return j;
}

json make_request(const json& id, std::string_view method, json params) {
  json j = json::object();
  j["jsonrpc"] = "2.0";
  j["id"] = id;
  j["method"] = method;
  j["params"] = std::move(params);
  return j;
}

std::string id_key(const json& id) {
  // Type tag first so that 1 and "1" never collide; 1 and 1.0 differ in their text.
  const char tag = id.is_string() ? 's' : id.is_number() ? 'n' : 'z';
  return tag + dump(id);
}

}  // namespace lamp::proto
