// SPDX-License-Identifier: GPL-3.0-or-later
// Dispatcher: JSON-RPC 2.0 semantics on one connection without sockets: batches,
// notifications, errors, concurrency, cancellation and server-initiated requests.
#include "rpc/dispatcher.hpp"

#include "app/context.hpp"
#include "methods/core.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

using namespace lamp;
using proto::json;

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() : ctx(io, app::Config{}) {
    methods::register_core(registry, ctx);
    methods::register_test_methods(registry);
    dispatcher = std::make_shared<rpc::Dispatcher>(
        registry, io.get_executor(), ctx.dispatch, 1024,
        [this](std::string bytes) { written.push_back(std::move(bytes)); });
  }

  // Feeds one NDJSON message and runs the loop until idle; returns the parsed output lines.
  std::vector<json> send(const std::string& text) {
    dispatcher->on_frame(proto::Frame{proto::Frame::Kind::message, proto::Framing::ndjson, text});
    return run();
  }

  std::vector<json> run() {
    io.restart();
    io.run();
    std::vector<json> out;
    for (auto& w : written) {
      EXPECT_EQ(w.back(), '\n');
      EXPECT_EQ(w.find('\n'), w.size() - 1) << "one message per line";
      out.push_back(json::parse(w));
    }
    written.clear();
    return out;
  }

  boost::asio::io_context io;
  app::ServerContext ctx;
  rpc::MethodRegistry registry;
  std::shared_ptr<rpc::Dispatcher> dispatcher;
  std::vector<std::string> written;
};

TEST_F(DispatcherTest, AnswersWithIdEchoedVerbatim) {
  for (const char* id : {"1", "\"abc\"", "null", "-5", "2.5", "18446744073709551615"}) {
    auto out = send(std::string(R"({"jsonrpc":"2.0","method":"ping","id":)") + id + "}");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(proto::dump(out[0]["id"]), id);
    EXPECT_EQ(out[0]["result"], "pong");
    EXPECT_EQ(out[0]["jsonrpc"], "2.0");
  }
}

TEST_F(DispatcherTest, NotificationsGetNoReplyEvenWhenUnknown) {
  EXPECT_TRUE(send(R"({"jsonrpc":"2.0","method":"ping"})").empty());
  EXPECT_TRUE(send(R"({"jsonrpc":"2.0","method":"no.such"})").empty());
}

TEST_F(DispatcherTest, UnknownMethod) {
  auto out = send(R"({"jsonrpc":"2.0","method":"foobar","id":"1"})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["error"]["code"], -32601);
  EXPECT_EQ(out[0]["id"], "1");
}

TEST_F(DispatcherTest, ParseErrorAndInvalidRequest) {
  auto out = send(R"({"jsonrpc":"2.0","method":"foobar,"params":"bar","baz])");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["error"]["code"], -32700);
  EXPECT_TRUE(out[0]["id"].is_null());
  out = send(R"({"jsonrpc":"2.0","method":1,"params":"bar"})");
  EXPECT_EQ(out[0]["error"]["code"], -32600);
}

TEST_F(DispatcherTest, BatchesFollowTheSpecExamples) {
  auto out = send(R"([
    {"jsonrpc":"2.0","method":"ping","id":"1"},
    {"jsonrpc":"2.0","method":"ping"},
    {"jsonrpc":"2.0","method":"test.echo","params":[42,23],"id":"2"},
    {"foo":"boo"},
    {"jsonrpc":"2.0","method":"foo.get","params":{"name":"myself"},"id":"5"},
    {"jsonrpc":"2.0","method":"server.status","id":"9"}])");
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].is_array());
  ASSERT_EQ(out[0].size(), 5u);
  std::map<std::string, json> by_id;
  int null_ids = 0;
  for (auto& r : out[0]) {
    if (r["id"].is_null()) {
      ++null_ids;
      EXPECT_EQ(r["error"]["code"], -32600);
    } else {
      by_id[r["id"].get<std::string>()] = r;
    }
  }
  EXPECT_EQ(null_ids, 1);
  EXPECT_EQ(by_id["1"]["result"], "pong");
  EXPECT_EQ(by_id["2"]["result"], json::parse("[42,23]"));
  EXPECT_EQ(by_id["5"]["error"]["code"], -32601);
  EXPECT_TRUE(by_id["9"]["result"].contains("requests_total"));
}

TEST_F(DispatcherTest, BatchEdgeCases) {
  auto empty = send("[]");
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_TRUE(empty[0].is_object());
  EXPECT_EQ(empty[0]["error"]["code"], -32600);

  auto ones = send("[1,2,3]");
  ASSERT_EQ(ones.size(), 1u);
  ASSERT_EQ(ones[0].size(), 3u);
  for (auto& r : ones[0]) EXPECT_EQ(r["error"]["code"], -32600);

  auto invalid_json = send(R"([{"jsonrpc":"2.0","method":"sum","params":[1,2,4],"id":"1"},{"jsonrpc":"2.0","method")");
  ASSERT_EQ(invalid_json.size(), 1u);
  EXPECT_EQ(invalid_json[0]["error"]["code"], -32700);

  EXPECT_TRUE(send(R"([{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","method":"ping"}])").empty());
}

TEST_F(DispatcherTest, SlowCallDoesNotBlockLaterOnes) {
  dispatcher->on_frame({proto::Frame::Kind::message, proto::Framing::ndjson,
                        R"({"jsonrpc":"2.0","method":"test.sleep","params":{"ms":200},"id":1})"});
  dispatcher->on_frame({proto::Frame::Kind::message, proto::Framing::ndjson,
                        R"({"jsonrpc":"2.0","method":"ping","id":2})"});
  auto out = run();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0]["id"], 2);  // the ping overtook the sleeper
  EXPECT_EQ(out[1]["result"], "slept");
  EXPECT_EQ(dispatcher->in_flight(), 0u);
}

TEST_F(DispatcherTest, CancelEndsTheCallWithMinus32800) {
  dispatcher->on_frame({proto::Frame::Kind::message, proto::Framing::ndjson,
                        R"({"jsonrpc":"2.0","method":"test.sleep","params":{"ms":60000},"id":"s"})"});
  const auto t0 = std::chrono::steady_clock::now();
  auto out = send(R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"s"}})");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["id"], "s");
  EXPECT_EQ(out[0]["error"]["code"], -32800);
  EXPECT_EQ(ctx.dispatch.in_flight.load(), 0);
}

TEST_F(DispatcherTest, CancelMatchesIdType) {
  dispatcher->on_frame({proto::Frame::Kind::message, proto::Framing::ndjson,
                        R"({"jsonrpc":"2.0","method":"test.sleep","params":{"ms":50},"id":1})"});
  auto out = send(R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"1"}})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["result"], "slept");  // "1" is not 1
}

TEST_F(DispatcherTest, ClosingAbandonsCallsSilently) {
  dispatcher->on_frame({proto::Frame::Kind::message, proto::Framing::ndjson,
                        R"({"jsonrpc":"2.0","method":"test.sleep","params":{"ms":60000},"id":1})"});
  EXPECT_EQ(ctx.dispatch.in_flight.load(), 1);
  dispatcher->close();
  EXPECT_EQ(ctx.dispatch.in_flight.load(), 0);
  EXPECT_TRUE(run().empty());
}

TEST_F(DispatcherTest, InvalidParamsFromHandler) {
  auto out = send(R"({"jsonrpc":"2.0","method":"test.sleep","params":{"ms":"soon"},"id":1})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["error"]["code"], -32602);
  EXPECT_TRUE(out[0]["error"]["data"]["detail"].is_string());
}

TEST_F(DispatcherTest, NotificationsReachTheCallerBeforeTheReply) {
  auto out = send(R"({"jsonrpc":"2.0","method":"test.notify","params":{"count":3},"id":7})");
  ASSERT_EQ(out.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out[i]["method"], "test.tick");
    EXPECT_EQ(out[i]["params"]["index"], i);
    EXPECT_EQ(out[i]["params"]["request_id"], 7);
  }
  EXPECT_EQ(out[3]["result"], 3);
}

TEST_F(DispatcherTest, LspFramedRequestsAreAnsweredInLspFraming) {
  dispatcher->on_frame({proto::Frame::Kind::message, proto::Framing::lsp,
                        R"({"jsonrpc":"2.0","method":"ping","id":1})"});
  io.run();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].rfind("Content-Length: ", 0), 0u);
  written.clear();
}

TEST_F(DispatcherTest, FrameErrorsBecomeReplies) {
  dispatcher->on_frame({proto::Frame::Kind::oversized, proto::Framing::ndjson, ""});
  auto out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["error"]["code"], -32600);
  EXPECT_TRUE(out[0]["id"].is_null());
}

TEST_F(DispatcherTest, ServerInitiatedRequestsGetTheirReplies) {
  json answer;
  dispatcher->request("session/request_permission", {{"x", 1}}, proto::Framing::ndjson,
                      [&](proto::Response r) { answer = r.result; });
  auto out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["method"], "session/request_permission");
  const json id = out[0]["id"];
  send(proto::dump(json{{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"outcome", "allow"}}}}));
  EXPECT_EQ(answer["outcome"], "allow");

  int code = 0;
  dispatcher->request("fs/read_text_file", json::object(), proto::Framing::ndjson,
                      [&](proto::Response r) { code = r.error["code"]; });
  dispatcher->close();
  EXPECT_EQ(code, -32800);
}
