// SPDX-License-Identifier: GPL-3.0-or-later
// JSON-RPC 2.0 vocabulary shared by lamp and lamp-module: error codes, message validation,
// reply builders and safe serialization.
#pragma once

#include "proto/utf8.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

namespace lamp::proto {

using json = nlohmann::json;

namespace code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
inline constexpr int cancelled = -32800;
inline constexpr int upstream_http = -32001;
inline constexpr int upstream_unreachable = -32002;
inline constexpr int server_busy = -32003;
inline constexpr int unusable_reply = -32004;
inline constexpr int configuration = -32005;
}  // namespace code

inline constexpr int kMaxNestingDepth = 512;

// An error that crosses a handler boundary and becomes a JSON-RPC error object.
class RpcError : public std::runtime_error {
 public:
  RpcError(int code, std::string message, json data = nullptr)
      : std::runtime_error(std::move(message)), code_(code), data_(std::move(data)) {}
  int code() const { return code_; }
  const json& data() const { return data_; }
  json to_json() const;

 private:
  int code_;
  json data_;
};

// RpcError with `data: {detail}` as docs/protocol.md specifies for the spec-defined codes.
RpcError error_with_detail(int code, std::string message, std::string detail);

// -32602 "Invalid params" with `data: {detail}`: every method's answer to malformed params.
RpcError invalid_params(std::string detail);

struct Request {
  std::string method;
  json params;  // object, array or null when absent
  json id;      // the id verbatim; meaningful only when !notification
  bool notification = false;
};

struct Response {  // a reply from the peer to a request we sent
  json id;
  json result;
  json error;  // null when the call succeeded
};

struct Invalid {  // a message that is not a valid request: reply with this error
  json id;        // the request's id if it could be read, else null
  RpcError error;
};

using Message = std::variant<Request, Response, Invalid>;

// Classifies one decoded JSON value (not a batch) per the JSON-RPC 2.0 rules.
Message classify(json value);

// Parses one frame body. Throws RpcError(-32700) on invalid JSON, invalid UTF-8 or nesting
// deeper than kMaxNestingDepth.
json parse(std::string_view text);

// Compact one-line serialization that never throws (invalid UTF-8 is replaced).
std::string dump(const json& value);

// Reply bodies serialized directly, without building a json object (the server's hot path).
std::string result_text(const json& id, const json& result);
std::string error_text(const json& id, const RpcError& error);

json make_result(const json& id, json result);
json make_error(const json& id, const RpcError& error);
json make_notification(std::string_view method, json params);
json make_request(const json& id, std::string_view method, json params);

// Key identifying an id within one connection: 1, "1" and 1.0 are distinct.
std::string id_key(const json& id);

}  // namespace lamp::proto
