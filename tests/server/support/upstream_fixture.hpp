// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: a fixture with the fake upstream and a lamp pointed at it; every reply,
// notification and server log line it sees is checked for the API key at the end.
#pragma once

#include "client/rpc_client.hpp"
#include "support/fake_upstream.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <thread>

namespace lamp::harness {

using namespace std::chrono_literals;
using client::RpcClient;
using proto::json;

// chat.completions params with one user message.
inline json user_message(const std::string& text) {
  return {{"messages", json::array({{{"role", "user"}, {"content", text}}})}};
}

// One call's outcome as the reply shows it: {"result": ...} or {"error": {code, message, data}}.
inline json outcome_of(RpcClient& c, const std::string& method, const json& params) {
  try {
    return {{"result", c.call(method, params)}};
  } catch (const proto::RpcError& e) {
    return {{"error", e.to_json()}};
  }
}

class UpstreamTest : public ::testing::Test {
 protected:
  UpstreamTest() = default;
  explicit UpstreamTest(FakeUpstream::Options fake_options) : fake(std::move(fake_options)) {}

  // Starts lamp against the fake with extra environment and `lamp serve` arguments.
  LampServer& start(std::map<std::string, std::string> env = {}, std::vector<std::string> extra_args = {}) {
    auto full = fake.lamp_env();
    for (auto& [k, v] : env) full[k] = v;
    server = std::make_unique<LampServer>(dir.file("lamp.sock"),
                                          LampServer::Options{std::move(extra_args), full, true, true});
    return *server;
  }

  RpcClient client() { return RpcClient(server->socket()); }

  // Calls and returns the whole reply object (result or error), collecting notifications.
  json call_raw(RpcClient& c, const json& params, std::vector<json>* notes = nullptr,
                std::chrono::milliseconds timeout = 30s, const std::string& method = "chat.completions") {
    const json id = c.next_id();
    c.send_raw(proto::dump(proto::make_request(id, method, params)) + "\n");
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto m = c.read_message(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
      if (!m) return nullptr;
      all_output += proto::dump(*m);
      if (m->contains("method")) {
        if (notes) notes->push_back(*m);
        continue;
      }
      if ((*m)["id"] == id) return *m;
    }
  }

  json wait_log(const std::function<bool(const json&)>& done, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json log;
    do {
      log = fake.log();
      if (done(log)) break;
      std::this_thread::sleep_for(20ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return log;
  }

  void TearDown() override {
    if (server) all_output += server->stderr_text();
    EXPECT_EQ(all_output.find(FakeUpstream::kApiKey), std::string::npos) << "the API key leaked";
  }

  TempDir dir;
  FakeUpstream fake;
  std::unique_ptr<LampServer> server;
  std::string all_output;  // every reply, notification and server log line seen
};


}  // namespace lamp::harness
