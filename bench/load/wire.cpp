// SPDX-License-Identifier: GPL-3.0-or-later
// Request lines and reply checking for load_gen. Canonical ping replies take a byte-exact fast
// path; everything else is parsed in full with nlohmann::json.
#include "wire.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace load {
namespace {

using nlohmann::json;

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string chat_prompt(std::uint64_t id, std::uint64_t nonce) {
  return "load check id=" + std::to_string(id) + " nonce=" + std::to_string(nonce);
}

// {"jsonrpc":"2.0","id":<digits>,"result":"pong"} exactly, as lamp writes it.
std::optional<std::uint64_t> fast_pong(std::string_view line) {
  constexpr std::string_view head = R"({"jsonrpc":"2.0","id":)";
  constexpr std::string_view tail = R"(,"result":"pong"})";
  if (line.size() <= head.size() + tail.size() || !line.starts_with(head) || !line.ends_with(tail)) {
    return std::nullopt;
  }
  const auto digits = line.substr(head.size(), line.size() - head.size() - tail.size());
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return id;
}

std::optional<std::uint64_t> integer_id(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  return std::nullopt;
}

std::string check_result(const json& result, std::uint64_t id, Method method, std::uint64_t nonce) {
  if (method == Method::ping) {
    return result == "pong" ? "" : "ping result is not \"pong\": " + result.dump().substr(0, 120);
  }
  const std::string want = "echo: " + chat_prompt(id, nonce);
  const json* content = nullptr;
  if (result.is_object() && result.contains("choices") && result["choices"].is_array() &&
      !result["choices"].empty()) {
    const auto& choice = result["choices"][0];
    if (choice.is_object() && choice.contains("message") && choice["message"].is_object() &&
        choice["message"].contains("content")) {
      content = &choice["message"]["content"];
    }
  }
  if (!content) return "chat result has no choices[0].message.content";
  if (*content != want) return "chat content " + content->dump().substr(0, 120) + ", want \"" + want + "\"";
  return "";
}

}  // namespace

std::optional<RequestRef> decode_id(std::uint64_t id) {
  const auto conn = id / kIdStride;
  const auto seq = id % kIdStride;
  if (conn == 0 || seq == 0 || conn > UINT32_MAX) return std::nullopt;
  return RequestRef{static_cast<std::uint32_t>(conn - 1), static_cast<std::uint32_t>(seq)};
}

Method method_of(std::uint64_t id, std::uint32_t chat_every) {
  return chat_every && mix(id) % chat_every == 0 ? Method::chat : Method::ping;
}

void append_request(std::string& out, std::uint64_t id, Method method, std::uint64_t nonce) {
  out += R"({"jsonrpc":"2.0","id":)";
  out += std::to_string(id);
  if (method == Method::ping) {
    out += R"(,"method":"ping"})";
  } else {
    out += R"(,"method":"chat.completions","params":{"messages":[{"role":"user","content":")";
    out += chat_prompt(id, nonce);  // digits, letters, spaces and '=': nothing to escape
    out += R"("}]}})";
  }
  out += '\n';
}

Incoming parse_line(std::string_view line, std::uint32_t chat_every, std::uint64_t nonce) {
  Incoming in;
  if (auto id = fast_pong(line)) {
    in.kind = Incoming::Kind::reply;
    in.id = *id;
    if (method_of(*id, chat_every) != Method::ping) in.result_problem = "a chat request answered \"pong\"";
    return in;
  }
  const json msg = json::parse(line, nullptr, false);
  if (msg.is_discarded() || !msg.is_object() || msg.value("jsonrpc", json()) != "2.0") return in;
  if (msg.contains("method")) {
    if (!msg["method"].is_string() || msg.contains("id")) return in;  // we serve no server requests
    in.kind = Incoming::Kind::notification;
    in.method = msg["method"].get<std::string>();
    if (msg.contains("params") && msg["params"].is_object() && msg["params"].contains("request_id")) {
      in.id = integer_id(msg["params"]["request_id"]);
    }
    return in;
  }
  if (!msg.contains("id") || (msg.contains("result") == msg.contains("error"))) return in;
  in.kind = Incoming::Kind::reply;
  in.id = integer_id(msg["id"]);
  if (!in.id) return in;
  if (msg.contains("error")) {
    in.is_error = true;
    const auto& e = msg["error"];
    in.error_text = e.is_object() ? e.value("code", json()).dump() + ": " + e.value("message", json()).dump()
                                  : e.dump();
    return in;
  }
  in.result_problem = check_result(msg["result"], *in.id, method_of(*in.id, chat_every), nonce);
  return in;
}

}  // namespace load
