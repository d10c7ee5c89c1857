// SPDX-License-Identifier: GPL-3.0-or-later
// `lamp chat`: one chat completion through the server; prints the assistant's text, streamed
// as it arrives with --stream.
#include "cli/client_call.hpp"
#include "upstream/chat_reply.hpp"

#include <iostream>
#include <optional>

namespace lamp::cli {
namespace {

using proto::json;

struct ChatOptions {
  std::string socket;
  std::string message;
  std::string model;
  std::string system;
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  bool stream = false;
};

json request_body(const ChatOptions& o) {
  json messages = json::array();
  if (!o.system.empty()) messages.push_back({{"role", "system"}, {"content", o.system}});
  messages.push_back({{"role", "user"}, {"content", o.message}});
  json body = {{"messages", messages}};
  if (!o.model.empty()) body["model"] = o.model;
  if (o.temperature) body["temperature"] = *o.temperature;
  if (o.max_tokens) body["max_tokens"] = *o.max_tokens;
  if (o.stream) body["stream"] = true;
  return body;
}

int chat(const ChatOptions& o) {
  return with_client(o.socket, [&](client::RpcClient& c) {
    bool printed = false;
    auto on_notification = [&](const json& n) {
      if (n.value("method", "") != "chat.delta") return;
      const auto& delta = n["params"]["delta"];
      if (delta.contains("content") && delta["content"].is_string()) {
        std::cout << delta["content"].get<std::string>() << std::flush;
        printed = true;
      }
    };
    // Generous: the server enforces the real deadlines and reports them as errors.
    const json result = c.call("chat.completions", request_body(o), std::chrono::hours(1), on_notification);
    if (!o.stream || !printed) {
      std::cout << upstream::ChatReply::from_response(result).content;
    }
    std::cout << '\n';
    return 0;
  });
}

}  // namespace

void add_chat_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ChatOptions>();
  auto* cmd = app.add_subcommand("chat", "Send one message to the model through lamp");
  cmd->add_option("--socket", o->socket, "Socket path");
  cmd->add_option("--message,-m", o->message, "The user message")->required();
  cmd->add_option("--model", o->model, "Model (default: the server's)");
  cmd->add_option("--system", o->system, "A system message");
  cmd->add_option("--temperature", o->temperature, "Sampling temperature")->check(CLI::Range(0.0, 2.0));
  cmd->add_option("--max-tokens", o->max_tokens, "Upper bound on the reply's tokens")->check(CLI::PositiveNumber);
  cmd->add_flag("--stream", o->stream, "Print the reply as it arrives");
  cmd->callback([o, &exit_code] { exit_code = chat(*o); });
}

}  // namespace lamp::cli
