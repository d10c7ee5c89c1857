// SPDX-License-Identifier: GPL-3.0-or-later
// Integration: chat.completions through the real lamp to the fake upstream over HTTP:
// forwarding, retries, faults, streaming, cancellation, bounded concurrency, no key leaks.
#include "client/rpc_client.hpp"
#include "support/upstream_fixture.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace lamp;
using namespace std::chrono_literals;
using client::RpcClient;
using harness::FakeUpstream;
using harness::LampServer;
using proto::json;
using harness::user_message;

using ChatTest = harness::UpstreamTest;

TEST_F(ChatTest, ForwardsBodyAndHeadersExactly) {
  start();
  auto c = client();
  json params = user_message("Say hello");
  params["temperature"] = 0.25;
  params["max_tokens"] = 77;
  params["user"] = "émile";
  auto reply = call_raw(c, params);
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["choices"][0]["message"]["content"], "Hello from the fake upstream!");
  EXPECT_EQ(reply["result"]["object"], "chat.completion");

  auto log = fake.log();
  ASSERT_EQ(log["total"], 1);
  const auto& req = log["requests"][0];
  EXPECT_EQ(req["path"], "/v1/chat/completions");
  EXPECT_EQ(req["headers"]["authorization"], std::string("Bearer ") + FakeUpstream::kApiKey);
  EXPECT_EQ(req["headers"]["content-type"], "application/json");
  json expected = params;
  expected["model"] = "gpt-4o-mini";  // the default model is the only addition
  EXPECT_EQ(req["body"], expected);
}

// An idle lamp does not map libcurl (and the TLS, Kerberos, LDAP libraries it links): it is
// loaded by the first upstream call, which then works as usual.
TEST_F(ChatTest, LibcurlIsLoadedByTheFirstUpstreamCall) {
  start();
  auto c = client();
  EXPECT_EQ(c.call("ping", json::object()), "pong");
  auto maps = [this] { return harness::read_file("/proc/" + std::to_string(server->pid()) + "/maps"); };
  EXPECT_EQ(maps().find("libcurl"), std::string::npos);
  auto reply = call_raw(c, user_message("Say hello"));
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_NE(maps().find("libcurl"), std::string::npos);
}

TEST_F(ChatTest, BaseUrlEndingInV1AndModelDefaults) {
  start({{"OPENAI_BASE_URL", ""}, {"OPENAI_API_BASE", fake.base_url() + "/v1/"},
         {"LAMP_DEFAULT_MODEL", "house-model"}});
  auto c = client();
  auto reply = call_raw(c, user_message("hi"));
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["model"], "house-model");
  EXPECT_EQ(fake.log()["requests"][0]["path"], "/v1/chat/completions");
}

TEST_F(ChatTest, RateLimitedTwiceThenSucceedsHonouringRetryAfter) {
  start();
  fake.enqueue(json::array({{{"status", 429}, {"headers", {{"Retry-After", "1"}}}},
                            {{"status", 429}, {"headers", {{"Retry-After", "1"}}}}}));
  auto c = client();
  std::vector<json> notes;
  const auto t0 = std::chrono::steady_clock::now();
  auto reply = call_raw(c, user_message("Say hello"), &notes);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_GE(elapsed, 2s);
  EXPECT_LT(elapsed, 6s);
  auto log = fake.log();
  ASSERT_EQ(log["total"], 3);
  const double gap1 = log["requests"][1]["started"].get<double>() - log["requests"][0]["started"].get<double>();
  const double gap2 = log["requests"][2]["started"].get<double>() - log["requests"][1]["started"].get<double>();
  EXPECT_GE(gap1, 0.95);
  EXPECT_GE(gap2, 0.95);
  auto status = c.call("server.status");
  EXPECT_EQ(status["upstream"]["calls"], 3);
  EXPECT_EQ(status["upstream"]["retries"], 2);
  int upstream_stages = 0;
  for (auto& n : notes) upstream_stages += n["method"] == "$/progress" && n["params"]["stage"] == "upstream";
  EXPECT_EQ(upstream_stages, 3);
}

TEST_F(ChatTest, ServerErrorForeverFailsAfterMaxRetries) {
  start({{"LAMP_MAX_RETRIES", "2"}});
  fake.set_default({{"status", 500}, {"json", {{"error", {{"message", "boom"}}}}}});
  auto c = client();
  auto reply = call_raw(c, user_message("x"));
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32001);
  EXPECT_EQ(reply["error"]["data"]["status"], 500);
  EXPECT_EQ(reply["error"]["data"]["attempts"], 3);
  EXPECT_NE(reply["error"]["data"]["body"].get<std::string>().find("boom"), std::string::npos);
  EXPECT_NE(reply["error"]["message"].get<std::string>().find("boom"), std::string::npos);
  EXPECT_EQ(fake.log()["total"], 3);
  EXPECT_EQ(c.call("server.status")["upstream"]["failures"], 1);
}

TEST_F(ChatTest, UnauthorizedIsNotRetriedAndTheKeyIsRedacted) {
  start();
  const std::string echoed = std::string("Incorrect API key provided: ") + FakeUpstream::kApiKey;
  fake.enqueue({{"status", 401}, {"json", {{"error", {{"message", echoed}}}}}});
  auto c = client();
  auto reply = call_raw(c, user_message("x"));
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32001);
  EXPECT_EQ(reply["error"]["data"]["status"], 401);
  EXPECT_EQ(reply["error"]["data"]["attempts"], 1);
  EXPECT_NE(reply["error"]["data"]["body"].get<std::string>().find("<redacted>"), std::string::npos);
  EXPECT_EQ(fake.log()["total"], 1);
}

TEST_F(ChatTest, TimeoutBecomesUnreachable) {
  start({{"LAMP_TIMEOUT_S", "1"}, {"LAMP_MAX_RETRIES", "1"}});
  fake.set_default({{"hang", true}});
  auto c = client();
  const auto t0 = std::chrono::steady_clock::now();
  auto reply = call_raw(c, user_message("x"));
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32002);
  EXPECT_EQ(reply["error"]["data"]["attempts"], 2);
  EXPECT_GE(reply["error"]["data"]["elapsed_ms"].get<int>(), 2000);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 6s);
}

TEST_F(ChatTest, ConnectionResetIsRetried) {
  start();
  fake.enqueue({{"reset", true}});
  auto c = client();
  auto reply = call_raw(c, user_message("Say hello"));
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(fake.log()["total"], 2);
}

TEST_F(ChatTest, UnreachableUpstream) {
  start({{"OPENAI_BASE_URL", "http://127.0.0.1:1"}, {"LAMP_MAX_RETRIES", "1"}});
  auto c = client();
  auto reply = call_raw(c, user_message("x"));
  EXPECT_EQ(reply["error"]["code"], -32002);
  EXPECT_EQ(reply["error"]["data"]["attempts"], 2);
}

TEST_F(ChatTest, GarbageBodyIsAClearError) {
  start();
  fake.enqueue({{"status", 200}, {"body", "<html>proxy error</html>"}});
  auto c = client();
  auto reply = call_raw(c, user_message("x"));
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32001);
  EXPECT_EQ(reply["error"]["data"]["body"], "<html>proxy error</html>");
  EXPECT_EQ(c.call("ping"), "pong");
}

TEST_F(ChatTest, StreamingDeltasArriveInOrderAndAddUp) {
  start();
  const std::string text = "Streaming works: ünïcode, 😀, and\nnew lines.";
  fake.enqueue({{"content", text}, {"chunk_chars", 3}});
  auto c = client();
  std::vector<json> notes;
  json params = user_message("stream please");
  params["stream"] = true;
  auto reply = call_raw(c, params, &notes);
  ASSERT_TRUE(reply.contains("result")) << reply;
  std::string joined;
  std::int64_t expected_index = 0;
  bool saw_streaming = false;
  for (auto& n : notes) {
    if (n["method"] == "$/progress" && n["params"]["stage"] == "streaming") saw_streaming = true;
    if (n["method"] != "chat.delta") continue;
    EXPECT_EQ(n["params"]["request_id"], reply["id"]);
    EXPECT_EQ(n["params"]["index"], expected_index++);
    joined += n["params"]["delta"].value("content", "");
  }
  EXPECT_TRUE(saw_streaming);
  EXPECT_GT(expected_index, 10);
  EXPECT_EQ(joined, text);
  EXPECT_EQ(reply["result"]["choices"][0]["message"]["content"], text);
  EXPECT_EQ(reply["result"]["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(reply["result"]["object"], "chat.completion");
  EXPECT_EQ(fake.log()["requests"][0]["body"]["stream"], true);
}

TEST_F(ChatTest, MalformedStreamIsAnError) {
  start();
  fake.enqueue({{"stream_events", json::array({R"({"choices":[{"delta":{"content":"ok"}}]})", "not json"})}});
  auto c = client();
  json params = user_message("x");
  params["stream"] = true;
  auto reply = call_raw(c, params);
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32004);
  EXPECT_EQ(c.call("ping"), "pong");
}

TEST_F(ChatTest, CancelAbortsTheUpstreamTransfer) {
  start();
  fake.set_default({{"delay_ms", 20000}});
  auto c = client();
  c.send_raw(proto::dump(proto::make_request(7, "chat.completions", user_message("slow"))) + "\n");
  wait_log([](const json& l) { return l["in_flight"] == 1; });
  const auto t0 = std::chrono::steady_clock::now();
  c.notify("$/cancelRequest", {{"id", 7}});
  json reply;
  while (auto m = c.read_message(5s)) {
    if (!m->contains("method")) {
      reply = *m;
      break;
    }
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(reply["id"], 7);
  EXPECT_EQ(reply["error"]["code"], -32800);
  auto log = wait_log([](const json& l) { return l["requests"][0]["client_closed"] == true; });
  EXPECT_EQ(log["requests"][0]["client_closed"], true);
}

TEST_F(ChatTest, ClientDisconnectAbortsTheUpstreamTransfer) {
  start();
  fake.set_default({{"delay_ms", 20000}});
  {
    auto c = client();
    c.send_raw(proto::dump(proto::make_request(1, "chat.completions", user_message("slow"))) + "\n");
    wait_log([](const json& l) { return l["in_flight"] == 1; });
  }
  auto log = wait_log([](const json& l) { return l["requests"][0]["client_closed"] == true; });
  EXPECT_EQ(log["requests"][0]["client_closed"], true);
  auto c = client();
  EXPECT_EQ(c.call("server.status")["active"], 0);
}

TEST_F(ChatTest, BoundedConcurrencyAnswersEveryone) {
  start({{"LAMP_MAX_CONCURRENCY", "10"}});
  fake.set_default({{"delay_ms", 300}});
  auto c = client();
  std::string burst;
  for (int i = 0; i < 50; ++i) {
    burst += proto::dump(proto::make_request(1000 + i, "chat.completions", user_message("n" + std::to_string(i)))) + "\n";
  }
  c.send_raw(burst);
  std::set<int> answered;
  int queued_notes = 0;
  while (answered.size() < 50) {
    auto m = c.read_message(20s);
    ASSERT_TRUE(m) << "only " << answered.size() << " answered";
    if (m->contains("method")) {
      queued_notes += (*m)["params"].value("stage", "") == "queued";
      continue;
    }
    ASSERT_TRUE(m->contains("result")) << *m;
    const int id = (*m)["id"];
    EXPECT_EQ((*m)["result"]["choices"][0]["message"]["content"], "echo: n" + std::to_string(id - 1000));
    answered.insert(id);
  }
  auto log = fake.log();
  EXPECT_EQ(log["total"], 50);
  EXPECT_LE(log["max_in_flight"], 10);
  EXPECT_GE(log["max_in_flight"], 8);
  EXPECT_EQ(queued_notes, 40);
}

TEST_F(ChatTest, FullQueueIsRefusedWithMinus32003) {
  start({{"LAMP_MAX_CONCURRENCY", "2"}, {"LAMP_MAX_QUEUE", "3"}});
  fake.set_default({{"delay_ms", 500}});
  auto c = client();
  std::string burst;
  for (int i = 0; i < 8; ++i) burst += proto::dump(proto::make_request(i, "chat.completions", user_message("q"))) + "\n";
  c.send_raw(burst);
  int ok = 0;
  int busy = 0;
  while (ok + busy < 8) {
    auto m = c.read_message(10s);
    ASSERT_TRUE(m);
    if (m->contains("method")) continue;
    if (m->contains("result")) ++ok;
    if (m->contains("error")) {
      EXPECT_EQ((*m)["error"]["code"], -32003);
      EXPECT_EQ((*m)["error"]["data"]["capacity"], 2);
      EXPECT_EQ((*m)["error"]["data"]["queued"], 3);
      EXPECT_EQ((*m)["error"]["data"]["active"], 2);
      ++busy;
    }
  }
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(busy, 3);
}

TEST_F(ChatTest, PingStaysFastWhileUpstreamCallsHang) {
  start();
  fake.set_default({{"hang", true}});
  auto c = client();
  for (int i = 0; i < 10; ++i) {
    c.send_raw(proto::dump(proto::make_request(100 + i, "chat.completions", user_message("hang"))) + "\n");
  }
  wait_log([](const json& l) { return l["in_flight"] == 10; });
  auto other = client();
  for (int i = 0; i < 20; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(other.call("ping"), "pong");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 100ms);
  }
  EXPECT_EQ(other.call("server.status")["active"], 10);
}

TEST_F(ChatTest, ConfigurationErrors) {
  start({{"LAMP_MODELS", "small, large"}});
  auto c = client();
  json params = user_message("x");
  params["model"] = "huge";
  auto reply = call_raw(c, params);
  EXPECT_EQ(reply["error"]["code"], -32005);
  EXPECT_NE(proto::dump(reply).find("LAMP_MODELS"), std::string::npos);
  params["model"] = "large";
  EXPECT_TRUE(call_raw(c, params).contains("result"));
  EXPECT_EQ(call_raw(c, json{{"messages", "nope"}})["error"]["code"], -32602);

  harness::TempDir other;
  // Not on this machine: a key is required (a loopback base works without one).
  LampServer keyless(other.file("lamp.sock"), {{}, {{"OPENAI_BASE_URL", "https://api.example.invalid/v1"}}, false, true});
  RpcClient k(keyless.socket());
  auto no_key = call_raw(k, user_message("x"));
  EXPECT_EQ(no_key["error"]["code"], -32005);
  EXPECT_NE(proto::dump(no_key).find("OPENAI_API_KEY"), std::string::npos);
}

TEST_F(ChatTest, CliChatPrintsTheReply) {
  start();
  auto r = harness::run_lamp({"chat", "--socket", server->socket(), "--message", "Say hello"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Hello from the fake upstream!\n");
  auto s = harness::run_lamp({"chat", "--socket", server->socket(), "--stream", "-m", "write a haiku",
                              "--system", "be brief", "--temperature", "0.2", "--max-tokens", "50"});
  EXPECT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("Emacs"), std::string::npos);
  auto body = fake.log()["requests"][1]["body"];
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["max_tokens"], 50);
  fake.enqueue({{"status", 400}, {"json", {{"error", {{"message", "bad things"}}}}}});
  auto e = harness::run_lamp({"chat", "--socket", server->socket(), "-m", "x"});
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.err.find("bad things"), std::string::npos) << e.err;
  EXPECT_EQ(e.err.find('\n'), e.err.size() - 1) << e.err;
  all_output += r.out + r.err + s.out + s.err + e.out + e.err;
}
