// SPDX-License-Identifier: GPL-3.0-or-later
// Builders for the ACP objects lamp sends: session/update payloads, tool calls with diffs and
// the session/request_permission params (shapes of the ACP v1 schema).
#pragma once

#include "proto/jsonrpc.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace lamp::acp {

using proto::json;

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

}  // namespace lamp::acp
