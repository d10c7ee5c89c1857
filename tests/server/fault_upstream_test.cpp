// SPDX-License-Identifier: GPL-3.0-or-later
// Fault tests, upstream side: a stream dripping a byte a second, a steady stream outliving the
// deadline, a reset after some deltas, a close right after the headers.
#include "client/rpc_client.hpp"
#include "support/upstream_fixture.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace lamp;
using namespace std::chrono_literals;
using client::RpcClient;
using proto::json;

namespace {

using Clock = std::chrono::steady_clock;

json stream_params(const std::string& text) {
  json params = harness::user_message(text);
  params["stream"] = true;
  return params;
}

std::string delta_event(const std::string& content) {
  return json{{"choices", json::array({{{"index", 0}, {"delta", {{"content", content}}}}})}}.dump();
}

// The content of every chat.delta in `notes`, in order.
std::vector<std::string> delta_contents(const std::vector<json>& notes) {
  std::vector<std::string> out;
  for (const auto& n : notes) {
    if (n["method"] == "chat.delta") out.push_back(n["params"]["delta"].value("content", ""));
  }
  return out;
}

}  // namespace

class UpstreamFaultTest : public harness::UpstreamTest {
 protected:
  // Sends a streaming chat call with id `id` on `c`; reads until its reply, collecting notes.
  json read_reply(RpcClient& c, int id, std::vector<json>& notes, std::chrono::seconds wait = 20s) {
    const auto deadline = Clock::now() + wait;
    while (Clock::now() < deadline) {
      auto m = c.read_message(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
      if (!m) break;
      all_output += proto::dump(*m);
      if (m->contains("method")) {
        notes.push_back(*m);
      } else if ((*m)["id"] == id) {
        return *m;
      }
    }
    return nullptr;
  }

  void send_stream_call(RpcClient& c, int id) {
    c.send_raw(proto::dump(proto::make_request(id, "chat.completions", stream_params("drip"))) + "\n");
  }

  // The upstream has sent two deltas fast and now drips the rest at one byte a second.
  void enqueue_drip() {
    fake.enqueue({{"stream_events", json::array({delta_event("Hel"), delta_event("lo"), delta_event(" world"), "[DONE]"})},
                  {"drip_after_events", 2},
                  {"drip_bytes_per_s", 1}});
  }

  bool upstream_closed_by_lamp() {
    auto log = wait_log([](const json& l) { return l["requests"].size() == 1 && l["requests"][0]["client_closed"] == true; }, 10s);
    return log["requests"].size() == 1 && log["requests"][0]["client_closed"] == true;
  }
};

// A stream that trickles bytes but completes no event for LAMP_TIMEOUT_S ends with -32002;
// the deltas that did arrive were delivered, others were served meanwhile.
TEST_F(UpstreamFaultTest, DrippingStreamEndsWithAClearErrorAndKeepsItsDeltas) {
  start({{"LAMP_TIMEOUT_S", "2"}, {"LAMP_MAX_RETRIES", "0"}});
  enqueue_drip();
  auto c = client();
  const auto t0 = Clock::now();
  send_stream_call(c, 1);
  auto other = client();
  for (int i = 0; i < 10; ++i) {
    const auto p0 = Clock::now();
    EXPECT_EQ(other.call("ping"), "pong");
    EXPECT_LT(Clock::now() - p0, 1s);
    std::this_thread::sleep_for(100ms);
  }
  std::vector<json> notes;
  auto reply = read_reply(c, 1, notes);
  const auto elapsed = Clock::now() - t0;
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32002);
  EXPECT_NE(reply["error"]["message"].get<std::string>().find("stalled"), std::string::npos) << reply;
  EXPECT_LT(elapsed, 12s);  // the 2 s stall timeout plus slack, not the 40 s the drip needs
  EXPECT_EQ(delta_contents(notes), (std::vector<std::string>{"Hel", "lo"}));
  EXPECT_TRUE(upstream_closed_by_lamp()) << fake.log();
  EXPECT_EQ(other.call("ping"), "pong");
}

// The same drip, cancelled by the client: -32800 at once and the upstream connection closed.
TEST_F(UpstreamFaultTest, CancellingADrippingStreamIsPrompt) {
  start();
  enqueue_drip();
  auto c = client();
  send_stream_call(c, 7);
  std::vector<json> notes;
  const auto deadline = Clock::now() + 10s;
  while (delta_contents(notes).size() < 2 && Clock::now() < deadline) {
    if (auto m = c.read_message(1s); m && m->contains("method")) notes.push_back(*m);
  }
  ASSERT_EQ(delta_contents(notes), (std::vector<std::string>{"Hel", "lo"}));
  const auto t0 = Clock::now();
  c.notify("$/cancelRequest", {{"id", 7}});
  auto reply = read_reply(c, 7, notes, 5s);
  EXPECT_LT(Clock::now() - t0, 2s);
  EXPECT_EQ(reply["error"]["code"], -32800) << reply;
  EXPECT_TRUE(upstream_closed_by_lamp()) << fake.log();
}

// A stream delivering an event every 300 ms never stalls, but LAMP_DEADLINE_S still ends it.
TEST_F(UpstreamFaultTest, OverallDeadlineEndsASteadyEndlessStream) {
  start({{"LAMP_TIMEOUT_S", "5"}, {"LAMP_DEADLINE_S", "2"}});
  json events = json::array();
  for (int i = 0; i < 100; ++i) events.push_back(delta_event("w" + std::to_string(i) + " "));
  fake.enqueue({{"stream_events", events}, {"stream_delay_ms", 300}});
  auto c = client();
  const auto t0 = Clock::now();
  send_stream_call(c, 1);
  std::vector<json> notes;
  auto reply = read_reply(c, 1, notes);
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32002);
  EXPECT_NE(reply["error"]["message"].get<std::string>().find("deadline"), std::string::npos) << reply;
  EXPECT_LT(Clock::now() - t0, 10s);  // 2 s, not the 30 s the stream would take
  const auto deltas = delta_contents(notes);
  ASSERT_GE(deltas.size(), 2u);
  EXPECT_LT(deltas.size(), 100u);
  EXPECT_EQ(deltas[0], "w0 ");
  EXPECT_TRUE(upstream_closed_by_lamp()) << fake.log();
}

// A reset after two deltas: those two were delivered, the call ends with -32002 and is not
// retried (a retry would repeat them).
TEST_F(UpstreamFaultTest, ResetMidStreamKeepsTheDeltasAndIsNotRetried) {
  start();
  fake.enqueue({{"stream_events", json::array({delta_event("one "), delta_event("two "), delta_event("three"), "[DONE]"})},
                {"reset_after_events", 2}});
  auto c = client();
  send_stream_call(c, 1);
  std::vector<json> notes;
  auto reply = read_reply(c, 1, notes);
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32002);
  EXPECT_NE(reply["error"]["message"].get<std::string>().find("stream broke"), std::string::npos) << reply;
  EXPECT_EQ(delta_contents(notes), (std::vector<std::string>{"one ", "two "}));
  EXPECT_EQ(fake.log()["total"], 1);
  EXPECT_EQ(c.call("ping"), "pong");
}

// Status and headers, then the connection closes: nothing reached the caller, so it is
// retried; when it keeps happening the call ends with -32002 after the retries.
TEST_F(UpstreamFaultTest, CloseAfterHeadersIsRetriedThenAClearError) {
  start({{"LAMP_MAX_RETRIES", "1"}});
  fake.enqueue({{"close_after_headers", true}});
  auto c = client();
  send_stream_call(c, 1);
  std::vector<json> notes;
  auto ok = read_reply(c, 1, notes);
  ASSERT_TRUE(ok.contains("result")) << ok;
  EXPECT_EQ(fake.log()["total"], 2);

  fake.set_default({{"close_after_headers", true}});
  for (const bool stream : {true, false}) {
    json params = stream_params("x");
    params["stream"] = stream;
    auto reply = call_raw(c, params);
    ASSERT_TRUE(reply.contains("error")) << reply;
    EXPECT_EQ(reply["error"]["code"], -32002) << reply;
    EXPECT_EQ(reply["error"]["data"]["attempts"], 2) << reply;
  }
  EXPECT_EQ(c.call("ping"), "pong");
}
