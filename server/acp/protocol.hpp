// SPDX-License-Identifier: GPL-3.0-or-later
// ACP protocol helpers: reading params with -32602 errors, file URIs, the objects lamp sends
// (session/update, tool calls, permission requests), and requests to the client.
#pragma once

#include "proto/jsonrpc.hpp"
#include "rpc/call.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

// Reading ACP request params: typed field access that fails with -32602 naming the field, so
// every ACP method reports malformed input the same way.
namespace lamp::acp {

using proto::invalid_params;
using proto::json;

// `params` itself, which must be an object.
const json& object_params(const json& params, std::string_view method);

// The string at `key`; -32602 when missing or not a string.
const std::string& string_field(const json& object, std::string_view key, std::string_view where);

// The bool at object[key][sub] when present and boolean, else false (capabilities).
bool flag(const json& object, std::string_view key, std::string_view sub);

// Local file paths from ACP resource URIs ("file:///a%20b" -> "/a b") and path normalization,
// so resources, links and the model's edit blocks all name a file the same way.

// The absolute local path a URI or path names: "file:///x", "file://localhost/x" or "/x"
// (percent-escapes decoded, "." and ".." removed). Anything else (http:, untitled:, a relative
// path) -> nullopt.
std::optional<std::string> path_from_uri(std::string_view uri);

// `path` made absolute against `cwd` (itself absolute) and normalized lexically.
std::string absolute_path(std::string_view path, std::string_view cwd);

// "/a/./b/../c" -> "/a/c"; `path` must be absolute.
std::string normalize_path(std::string_view path);

// Builders for the ACP objects lamp sends: session/update payloads, tool calls with diffs and
// the session/request_permission params (shapes of the ACP v1 schema).

inline constexpr std::string_view kAllowOnce = "allow_once";
inline constexpr std::string_view kRejectOnce = "reject_once";

// session/update params: {sessionId, update}.
json session_update(const std::string& session_id, json update);

// {sessionUpdate:"agent_message_chunk", content:{type:"text", text}}
json message_chunk(std::string text);

// ToolCallContent diff: {type:"diff", path, oldText, newText}.
json diff_content(const std::string& path, const std::optional<std::string>& old_text,
                  const std::string& new_text);
// ToolCallContent text: {type:"content", content:{type:"text", text}}.
json text_content(std::string text);

// A new edit tool call: {sessionUpdate:"tool_call", toolCallId, title, kind:"edit", status,
// content, locations:[{path}], rawInput:{path}}. `content` is a ToolCallContent array.
json edit_tool_call(const std::string& tool_call_id, const std::string& title,
                    const std::string& path, json content, std::string_view status = "pending");
// {sessionUpdate:"tool_call_update", toolCallId, status, content?}.
json tool_call_update(const std::string& tool_call_id, std::string_view status,
                      json content = nullptr);

// session/request_permission params offering allow_once and reject_once.
json permission_request(const std::string& session_id, const std::string& tool_call_id,
                        const std::string& title, const std::string& path, json diff);

// True when a RequestPermissionResponse selected `option_id` (a "cancelled" outcome or any
// other shape is not a selection).
bool selected(const json& response, std::string_view option_id);

// Requests from lamp to the ACP client on the prompt's own connection (fs/read_text_file,
// fs/write_text_file, session/request_permission), with the reply as a value or an error.

// The result ({} when the client answered null, as the schema allows either) or the error.
using ClientReply = std::variant<json, proto::RpcError>;

// Executor thread. `done` runs once, also when the connection closes first (-32800).
void ask_client(const std::shared_ptr<rpc::Call>& call, std::string method, json params,
                std::function<void(ClientReply)> done);

}  // namespace lamp::acp
