// SPDX-License-Identifier: GPL-3.0-or-later
// ACP payload builders (session/update, tool calls, permission requests).
#include "acp/updates.hpp"

namespace lamp::acp {

json session_update(const std::string& session_id, json update) {
  return json{{"sessionId", session_id}, {"update", std::move(update)}};
}

json message_chunk(std::string text) {
  return json{{"sessionUpdate", "agent_message_chunk"},
              {"content", {{"type", "text"}, {"text", std::move(text)}}}};
}

json diff_content(const std::string& path, const std::optional<std::string>& old_text,
                  const std::string& new_text) {
  return json{{"type", "diff"},
              {"path", path},
              {"oldText", old_text ? json(*old_text) : json(nullptr)},
              {"newText", new_text}};
}

json text_content(std::string text) {
  return json{{"type", "content"}, {"content", {{"type", "text"}, {"text", std::move(text)}}}};
}

json edit_tool_call(const std::string& tool_call_id, const std::string& title,
                    const std::string& path, json content, std::string_view status) {
  return json{{"sessionUpdate", "tool_call"},
              {"toolCallId", tool_call_id},
              {"title", title},
              {"kind", "edit"},
              {"status", status},
              {"content", std::move(content)},
              {"locations", json::array({{{"path", path}}})},
              {"rawInput", {{"path", path}}}};
}

json tool_call_update(const std::string& tool_call_id, std::string_view status, json content) {
  json update{{"sessionUpdate", "tool_call_update"}, {"toolCallId", tool_call_id}, {"status", status}};
  if (!content.is_null()) update["content"] = std::move(content);
  return update;
}

json permission_request(const std::string& session_id, const std::string& tool_call_id,
                        const std::string& title, const std::string& path, json diff) {
  return json{{"sessionId", session_id},
              {"toolCall",
               {{"toolCallId", tool_call_id},
                {"title", title},
                {"kind", "edit"},
                {"status", "pending"},
                {"content", json::array({std::move(diff)})},
                {"locations", json::array({{{"path", path}}})}}},
              {"options", json::array({
                              {{"optionId", kAllowOnce}, {"name", "Apply this edit"}, {"kind", kAllowOnce}},
                              {{"optionId", kRejectOnce}, {"name", "Reject"}, {"kind", kRejectOnce}},
                          })}};
}

bool selected(const json& response, std::string_view option_id) {
  if (!response.is_object()) return false;
  const auto outcome = response.find("outcome");
  if (outcome == response.end() || !outcome->is_object()) return false;
  const auto kind = outcome->find("outcome");
  const auto option = outcome->find("optionId");
  return kind != outcome->end() && *kind == "selected" && option != outcome->end() &&
         option->is_string() && option->get_ref<const std::string&>() == option_id;
}

}  // namespace lamp::acp
