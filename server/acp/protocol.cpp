// SPDX-License-Identifier: GPL-3.0-or-later
// ACP protocol helpers: params, file URIs, update and tool-call builders, client requests.
#include "acp/protocol.hpp"

#include "rpc/dispatcher.hpp"

#include <vector>

// Typed access to ACP params with -32602 errors that name the offending field.
namespace lamp::acp {

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

// File URI decoding and lexical path normalization for ACP file references.
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace

std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const std::size_t slash = path.find('/', pos);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view part = path.substr(pos, end - pos);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  std::string out;
  for (const auto part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

std::string absolute_path(std::string_view path, std::string_view cwd) {
  if (!path.empty() && path.front() == '/') return normalize_path(path);
  std::string joined(cwd);
  joined += '/';
  joined += path;
  return normalize_path(joined);
}

std::optional<std::string> path_from_uri(std::string_view uri) {
  if (!uri.empty() && uri.front() == '/') return normalize_path(uri);
  constexpr std::string_view scheme = "file://";
  if (uri.substr(0, scheme.size()) != scheme) return std::nullopt;
  std::string_view rest = uri.substr(scheme.size());
  if (rest.substr(0, 9) == "localhost") rest.remove_prefix(9);
  if (rest.empty() || rest.front() != '/') return std::nullopt;  // another host
  rest = rest.substr(0, rest.find_first_of("?#"));
  auto decoded = percent_decode(rest);
  if (!decoded || decoded->find('\0') != std::string::npos) return std::nullopt;
  return normalize_path(*decoded);
}

// ACP payload builders (session/update, tool calls, permission requests).

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

// Server-initiated requests through the caller's Dispatcher.

void ask_client(const std::shared_ptr<rpc::Call>& call, std::string method, json params,
                std::function<void(ClientReply)> done) {
  const auto peer = call->peer();
  if (!peer) {
    done(proto::RpcError(proto::code::cancelled, "connection closed"));
    return;
  }
  peer->request(std::move(method), std::move(params), call->framing(),
                [done = std::move(done)](proto::Response response) {
                  if (response.error.is_null()) {
                    done(response.result.is_null() ? json::object() : std::move(response.result));
                    return;
                  }
                  const json& e = response.error;
                  const auto code = e.is_object() ? e.value("code", json()) : json();
                  const auto message = e.is_object() ? e.value("message", json()) : json();
                  done(proto::RpcError(code.is_number_integer() ? code.get<int>() : proto::code::internal_error,
                                       message.is_string() ? message.get<std::string>() : "client error",
                                       e.is_object() ? e.value("data", json()) : json()));
                });
}

}  // namespace lamp::acp
