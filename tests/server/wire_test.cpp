// SPDX-License-Identifier: GPL-3.0-or-later
// Integration: the real `lamp serve` over a real Unix socket. JSON-RPC 2.0 spec examples,
// both framings, concurrency, cancellation, limits and misbehaving clients.
#include "client/rpc_client.hpp"
#include "support/lamp_process.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <thread>

using namespace lamp;
using namespace std::chrono_literals;
using client::RpcClient;
using proto::json;

class WireTest : public ::testing::Test {
 protected:
  WireTest() : server(dir.file("lamp.sock"), {{"--max-message-bytes", "65536"}, {}, true, true}) {}

  // Sends raw text and returns the next message (or null JSON when none arrives in time).
  json exchange(RpcClient& c, const std::string& text, std::chrono::milliseconds wait = 5s) {
    c.send_raw(text);
    return c.read_message(wait).value_or(json());
  }

  json status() {
    RpcClient c(server.socket());
    return c.call("server.status");
  }

  harness::TempDir dir;
  harness::LampServer server;
};

// Every example of the JSON-RPC 2.0 specification, with lamp's methods standing in for
// subtract/sum/update (test.echo answers with its params).
TEST_F(WireTest, SpecificationExamples) {
  RpcClient c(server.socket());
  struct Case {
    const char* request;
    const char* expected;  // null: no reply at all
  } cases[] = {
      {R"({"jsonrpc":"2.0","method":"test.echo","params":[42,23],"id":1})",
       R"({"jsonrpc":"2.0","result":[42,23],"id":1})"},
      {R"({"jsonrpc":"2.0","method":"test.echo","params":{"subtrahend":23,"minuend":42},"id":3})",
       R"({"jsonrpc":"2.0","result":{"subtrahend":23,"minuend":42},"id":3})"},
      {R"({"jsonrpc":"2.0","method":"update","params":[1,2,3,4,5]})", nullptr},
      {R"({"jsonrpc":"2.0","method":"foobar"})", nullptr},
      {R"({"jsonrpc":"2.0","method":"foobar","id":"1"})",
       R"({"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"1"})"},
      {R"({"jsonrpc":"2.0","method":"foobar,"params":"bar","baz])",
       R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null})"},
      {R"({"jsonrpc":"2.0","method":1,"params":"bar"})",
       R"({"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null})"},
      {R"([{"jsonrpc":"2.0","method":"sum","params":[1,2,4],"id":"1"},{"jsonrpc":"2.0","method"])",
       R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null})"},
      {R"([])", R"({"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null})"},
      {R"([1])", R"([{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}])"},
      {R"([1,2,3])",
       R"([{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null},
           {"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null},
           {"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}])"},
      {R"([{"jsonrpc":"2.0","method":"notify_sum","params":[1,2,4]},{"jsonrpc":"2.0","method":"notify_hello","params":[7]}])",
       nullptr},
  };
  // Error replies are compared without `data` (lamp adds a detail there).
  auto strip = [](json j) {
    auto one = [](json& r) {
      if (r.contains("error")) r["error"].erase("data");
    };
    if (j.is_array()) {
      for (auto& r : j) one(r);
    } else {
      one(j);
    }
    return j;
  };
  for (const auto& tc : cases) {
    c.send_raw(std::string(tc.request) + "\n");
    if (tc.expected == nullptr) {
      // A ping after it proves nothing was answered in between.
      EXPECT_EQ(exchange(c, R"({"jsonrpc":"2.0","method":"ping","id":"probe"})" "\n")["id"], "probe")
          << tc.request;
      continue;
    }
    auto reply = c.read_message(5s);
    ASSERT_TRUE(reply) << tc.request;
    EXPECT_EQ(strip(*reply), json::parse(tc.expected)) << tc.request;
  }
}

TEST_F(WireTest, MixedBatchFromTheSpecification) {
  RpcClient c(server.socket());
  const auto batch = json::parse(R"([
      {"jsonrpc":"2.0","method":"test.echo","params":[1,2,4],"id":"1"},
      {"jsonrpc":"2.0","method":"notify_hello","params":[7]},
      {"jsonrpc":"2.0","method":"test.echo","params":[42,23],"id":"2"},
      {"foo":"boo"},
      {"jsonrpc":"2.0","method":"foo.get","params":{"name":"myself"},"id":"5"},
      {"jsonrpc":"2.0","method":"ping","id":"9"}])");
  auto reply = exchange(c, proto::dump(batch) + "\n");
  ASSERT_TRUE(reply.is_array());
  ASSERT_EQ(reply.size(), 5u);
  std::map<std::string, json> by_id;
  for (auto& r : reply) by_id[r["id"].is_null() ? "null" : r["id"].get<std::string>()] = r;
  EXPECT_EQ(by_id["1"]["result"], json::parse("[1,2,4]"));
  EXPECT_EQ(by_id["2"]["result"], json::parse("[42,23]"));
  EXPECT_EQ(by_id["null"]["error"]["code"], -32600);
  EXPECT_EQ(by_id["5"]["error"]["code"], -32601);
  EXPECT_EQ(by_id["9"]["result"], "pong");
}

TEST_F(WireTest, LspFramingIsAnsweredInKind) {
  RpcClient c(server.socket());
  const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"test.echo","params":{"text":"line\nbreak é"}})";
  c.send_raw("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  auto frame = c.read_frame(5s);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->framing, proto::Framing::lsp);
  EXPECT_EQ(json::parse(frame->body)["result"]["text"], "line\nbreak é");
  // The same connection may switch back to NDJSON.
  EXPECT_EQ(exchange(c, R"({"jsonrpc":"2.0","id":2,"method":"ping"})" "\n")["result"], "pong");
}

TEST_F(WireTest, SlowRequestNeverBlocksPing) {
  RpcClient a(server.socket());
  a.send_raw(R"({"jsonrpc":"2.0","id":"slow","method":"test.sleep","params":{"ms":1500}})" "\n");
  const auto t0 = std::chrono::steady_clock::now();
  auto same_conn = exchange(a, R"({"jsonrpc":"2.0","id":"fast","method":"ping"})" "\n");
  EXPECT_EQ(same_conn["id"], "fast");
  RpcClient b(server.socket());
  EXPECT_EQ(b.call("ping"), "pong");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1000ms);
  auto slow = a.read_message(5s);
  ASSERT_TRUE(slow);
  EXPECT_EQ((*slow)["result"], "slept");
}

// Fairness between connections: while one connection floods lamp with pipelined requests,
// another one's requests are answered in between, not after the flood.
TEST_F(WireTest, AFloodingConnectionDoesNotStarveAnother) {
  constexpr int kFlood = 300000;
  RpcClient flooder(server.socket());
  std::atomic<int> answered{0};
  std::atomic<bool> in_order{true};
  std::thread reader([&] {
    for (int i = 0; i < kFlood; ++i) {
      auto m = flooder.read_message(60s);
      if (!m || (*m)["id"] != i) {
        in_order = false;
        return;
      }
      ++answered;
    }
  });
  std::thread writer([&] {
    std::string chunk;
    for (int i = 0; i < kFlood; ++i) {
      chunk += R"({"jsonrpc":"2.0","id":)" + std::to_string(i) + R"(,"method":"ping"})" "\n";
      if (chunk.size() > (64u << 10) || i + 1 == kFlood) {
        flooder.send_raw(chunk);
        chunk.clear();
      }
    }
  });
  while (answered.load() == 0 && in_order.load()) std::this_thread::sleep_for(1ms);  // the flood is on
  RpcClient other(server.socket());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(other.call("ping"), "pong");
  const int flood_done_then = answered.load();
  writer.join();
  reader.join();
  EXPECT_TRUE(in_order.load());
  EXPECT_EQ(answered.load(), kFlood);
  EXPECT_LT(flood_done_then, kFlood) << "the other connection waited for the whole flood";
}

// Replies far larger than the socket's buffer, to a client that starts reading late: lamp keeps
// what the socket cannot take and sends it as room appears, every byte and in order.
TEST_F(WireTest, AClientThatReadsLateGetsEveryReplyIntact) {
  constexpr int kRequests = 400;
  RpcClient c(server.socket());
  auto payload = [](int i) { return std::string(40000, static_cast<char>('a' + i % 26)) + std::to_string(i); };
  for (int i = 0; i < kRequests; ++i) {
    c.send_raw(proto::dump(proto::make_request(i, "test.echo", {{"text", payload(i)}})) + "\n");
  }
  // Up to 16 MB of replies are waiting for the client now.
  std::this_thread::sleep_for(300ms);
  for (int i = 0; i < kRequests; ++i) {
    auto m = c.read_message(10s);
    ASSERT_TRUE(m) << "reply " << i << " never came";
    ASSERT_EQ((*m)["id"], i);
    ASSERT_EQ((*m)["result"]["text"], payload(i));
  }
  EXPECT_EQ(c.call("ping"), "pong") << "the connection was dropped";
}

TEST_F(WireTest, ManyConcurrentClientsGetTheirOwnReplies) {
  constexpr int kClients = 32;
  constexpr int kRequests = 200;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      RpcClient c(server.socket());
      for (int i = 0; i < kRequests; ++i) {
        const json payload = {{"client", t}, {"seq", i}};
        if (c.call("test.echo", payload) == payload) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), kClients * kRequests);
}

TEST_F(WireTest, PipelinedRepliesAreMatchedById) {
  RpcClient c(server.socket());
  std::string burst;
  for (int i = 0; i < 500; ++i) {
    const int ms = (i * 7) % 20;  // replies come back out of order
    burst += proto::dump(proto::make_request(i, "test.sleep", {{"ms", ms}})) + "\n";
  }
  c.send_raw(burst);
  std::set<int> seen;
  for (int i = 0; i < 500; ++i) {
    auto m = c.read_message(10s);
    ASSERT_TRUE(m);
    EXPECT_EQ((*m)["result"], "slept");
    EXPECT_TRUE(seen.insert((*m)["id"].get<int>()).second) << "duplicate reply";
  }
  EXPECT_EQ(seen.size(), 500u);
}

TEST_F(WireTest, CancelRequestEndsWithMinus32800) {
  RpcClient c(server.socket());
  c.send_raw(R"({"jsonrpc":"2.0","id":42,"method":"test.sleep","params":{"ms":60000}})" "\n");
  const auto t0 = std::chrono::steady_clock::now();
  auto reply = exchange(c, R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":42}})" "\n");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(reply["id"], 42);
  EXPECT_EQ(reply["error"]["code"], -32800);
  EXPECT_EQ(status()["in_flight"], 1);  // only the status call itself
}

TEST_F(WireTest, DisconnectCancelsInFlightCalls) {
  {
    RpcClient c(server.socket());
    c.send_raw(R"({"jsonrpc":"2.0","id":1,"method":"test.sleep","params":{"ms":60000}})" "\n");
    ASSERT_EQ(exchange(c, R"({"jsonrpc":"2.0","id":2,"method":"ping"})" "\n")["result"], "pong");
  }
  json s;
  for (int i = 0; i < 100; ++i) {
    s = status();
    if (s["in_flight"] == 1) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(s["in_flight"], 1);
  EXPECT_EQ(s["connections"], 1);
}

TEST_F(WireTest, HalfClosedClientStillGetsItsReplies) {
  RpcClient c(server.socket());
  c.send_raw(R"({"jsonrpc":"2.0","id":1,"method":"test.sleep","params":{"ms":200}})" "\n");
  ::shutdown(c.fd(), SHUT_WR);
  auto reply = c.read_message(5s);
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["result"], "slept");
  EXPECT_THROW(c.read_message(5s), client::ConnectionError);  // then the server closes
}

TEST_F(WireTest, HalfMessageThenVanishing) {
  for (int i = 0; i < 20; ++i) {
    RpcClient c(server.socket());
    c.send_raw(R"({"jsonrpc":"2.0","id":1,"meth)");
  }
  RpcClient c(server.socket());
  EXPECT_EQ(c.call("ping"), "pong");
}

TEST_F(WireTest, OversizedMessageKeepsTheConnectionUsable) {
  RpcClient c(server.socket());
  const std::string big = R"({"jsonrpc":"2.0","id":1,"method":"test.echo","params":{"s":")" +
                          std::string(200000, 'a') + "\"}}\n";
  auto reply = exchange(c, big);
  EXPECT_EQ(reply["error"]["code"], -32600);
  EXPECT_TRUE(reply["id"].is_null());
  EXPECT_EQ(c.call("ping"), "pong");
  // Same for an LSP frame announcing too much.
  c.send_raw("Content-Length: 100000\r\n\r\n" + std::string(100000, ' '));
  auto lsp = c.read_frame(5s);
  ASSERT_TRUE(lsp);
  EXPECT_EQ(lsp->framing, proto::Framing::lsp);
  EXPECT_EQ(json::parse(lsp->body)["error"]["code"], -32600);
  EXPECT_EQ(c.call("ping"), "pong");
}

TEST_F(WireTest, DeepNestingAndBadUtf8AreParseErrors) {
  RpcClient c(server.socket());
  auto overflow = exchange(c, "1E400\n");  // once killed the server (fuzz_jsonrpc)
  EXPECT_EQ(overflow["error"]["code"], -32700);
  auto deep = exchange(c, std::string(600, '[') + std::string(600, ']') + "\n");
  EXPECT_EQ(deep["error"]["code"], -32700);
  auto utf8 = exchange(c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"params\":[\"\xc3\x28\"]}\n");
  EXPECT_EQ(utf8["error"]["code"], -32700);
  using namespace std::string_literals;
  auto nul = exchange(c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\0garbage\n"s);
  EXPECT_EQ(nul["error"]["code"], -32700) << nul;
  EXPECT_TRUE(nul["id"].is_null()) << nul;
  EXPECT_EQ(c.call("ping"), "pong");
}

TEST_F(WireTest, NonAsciiRoundTripsExactly) {
  RpcClient c(server.socket());
  const json payload = {{"text", "héllo wörld 😀 \u2028 tab\t \"quote\" \\ \r\n"}};
  EXPECT_EQ(c.call("test.echo", payload), payload);
}

TEST_F(WireTest, DescribeListsMethodsAndNoSecrets) {
  harness::TempDir other;
  harness::LampServer s(other.file("lamp.sock"),
                        {{}, {{"OPENAI_API_KEY", "sk-test-SECRET-123"},
                              {"OPENAI_BASE_URL", "http://user:pw@127.0.0.1:9/v1"}}, false, true});
  RpcClient c(s.socket());
  const json d = c.call("server.describe");
  EXPECT_EQ(d["name"], "lamp");
  EXPECT_EQ(d["protocol"], 1);
  EXPECT_EQ(d["upstream"]["base_url"], "http://127.0.0.1:9/v1");
  EXPECT_EQ(d["models"]["default"], "gpt-4o-mini");
  EXPECT_TRUE(d["models"]["allowed"].is_null());
  const auto methods = d["methods"].get<std::vector<std::string>>();
  for (const char* m : {"ping", "server.describe", "server.status", "$/cancelRequest"}) {
    EXPECT_NE(std::find(methods.begin(), methods.end(), m), methods.end()) << m;
  }
  EXPECT_EQ(std::find(methods.begin(), methods.end(), "test.sleep"), methods.end());
  EXPECT_EQ(proto::dump(d).find("SECRET"), std::string::npos);
  EXPECT_EQ(proto::dump(d).find("pw"), std::string::npos);
}
