// SPDX-License-Identifier: GPL-3.0-or-later
// Upstream building blocks without the network: SSE parsing, stream assembly, the typed reply,
// retry timing, the scheduler.
#include "upstream/chat_reply.hpp"
#include "upstream/retry_policy.hpp"
#include "upstream/scheduler.hpp"
#include "upstream/sse_parser.hpp"
#include "upstream/stream_assembly.hpp"

#include <gtest/gtest.h>

using namespace lamp;
using namespace std::chrono_literals;

TEST(SseParser, EventsSplitAnywhereAndAnyLineEnding) {
  const std::string wire =
      ": keep-alive\r\n\r\ndata: {\"a\":1}\r\n\r\nevent: x\ndata: line1\ndata: line2\n\ndata:[DONE]\r\r\n";
  upstream::SseParser p;
  std::vector<std::string> events;
  for (char c : wire) {
    p.feed(std::string_view(&c, 1));
    while (auto e = p.next()) events.push_back(*e);
  }
  EXPECT_EQ(events, (std::vector<std::string>{"{\"a\":1}", "line1\nline2", "[DONE]"}));
}

TEST(SseParser, FinishDeliversACutOffEvent) {
  upstream::SseParser p;
  p.feed("data: {\"tail\":true}");
  EXPECT_FALSE(p.next());
  EXPECT_EQ(p.finish(), "{\"tail\":true}");
  EXPECT_FALSE(p.finish());
}

TEST(SseParser, BoundsEventSize) {
  upstream::SseParser p(64);
  p.feed("data: " + std::string(100, 'x'));
  EXPECT_THROW(p.next(), std::length_error);
}

TEST(RetryPolicy, RetryableStatuses) {
  for (long s : {408L, 409L, 429L, 500L, 502L, 503L, 599L}) EXPECT_TRUE(upstream::RetryPolicy::retryable_status(s)) << s;
  for (long s : {200L, 400L, 401L, 403L, 404L, 422L}) EXPECT_FALSE(upstream::RetryPolicy::retryable_status(s)) << s;
}

TEST(RetryPolicy, FullJitterWithinDoublingCap) {
  upstream::RetryPolicy policy;
  std::mt19937_64 rng(42);
  const std::chrono::milliseconds ceilings[] = {500ms, 1000ms, 2000ms, 4000ms, 8000ms, 8000ms};
  for (int retry = 1; retry <= 6; ++retry) {
    std::chrono::milliseconds max{0};
    for (int i = 0; i < 2000; ++i) {
      const auto d = policy.backoff(retry, rng);
      EXPECT_GE(d.count(), 0);
      EXPECT_LE(d, ceilings[retry - 1]);
      max = std::max(max, d);
    }
    EXPECT_GT(max, ceilings[retry - 1] * 9 / 10) << "jitter should span the range";
  }
}

TEST(RetryPolicy, RetryAfterSecondsAndHttpDate) {
  EXPECT_EQ(upstream::parse_retry_after("2"), 2000ms);
  EXPECT_EQ(upstream::parse_retry_after(" 0.5 "), 500ms);
  EXPECT_FALSE(upstream::parse_retry_after("soon"));
  EXPECT_FALSE(upstream::parse_retry_after("-1"));
  const auto now = std::chrono::system_clock::from_time_t(1445412470);  // 07:27:50 GMT
  EXPECT_EQ(upstream::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), 10000ms);
  EXPECT_EQ(upstream::parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), 0ms);
}

TEST(UpstreamScheduler, CapacityFifoAndQueueBound) {
  app::UpstreamStats stats;
  upstream::UpstreamScheduler s(2, 2, stats);
  std::vector<upstream::UpstreamScheduler::SlotPtr> slots;
  std::vector<int> order;
  auto grant = [&](int n) {
    return [&, n](upstream::UpstreamScheduler::SlotPtr slot) {
      order.push_back(n);
      slots.push_back(std::move(slot));
    };
  };
  EXPECT_EQ(s.submit(grant(1)), 0u);
  EXPECT_EQ(s.submit(grant(2)), 0u);
  const auto t3 = s.submit(grant(3));
  const auto t4 = s.submit(grant(4));
  EXPECT_NE(t3, 0u);
  EXPECT_NE(t4, 0u);
  EXPECT_EQ(stats.active.load(), 2);
  EXPECT_EQ(stats.queued.load(), 2);
  try {
    s.submit(grant(5));
    FAIL() << "queue should be full";
  } catch (const proto::RpcError& e) {
    EXPECT_EQ(e.code(), proto::code::server_busy);
    EXPECT_EQ(e.data()["queued"], 2);
  }
  EXPECT_TRUE(s.withdraw(t3));
  EXPECT_FALSE(s.withdraw(t3));
  auto first = std::move(slots.front());
  slots.erase(slots.begin());
  first.reset();  // slot 1 done → 4 runs (3 left the queue)
  EXPECT_EQ(order, (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(stats.active.load(), 2);
  EXPECT_EQ(stats.queued.load(), 0);
  auto rest = std::move(slots);
  rest.clear();
  EXPECT_EQ(stats.active.load(), 0);
}

TEST(StreamAssembly, ChunksBecomeOneCompletion) {
  upstream::StreamAssembly stream(proto::json("asked-model"));
  using Event = upstream::StreamAssembly::Event;
  EXPECT_EQ(stream.add(R"({"id":"c1","model":"m","choices":[{"delta":{"role":"assistant","content":"Hel"}}]})"),
            Event::delta);
  EXPECT_EQ(stream.last_delta()["content"], "Hel");
  EXPECT_FALSE(stream.complete());
  EXPECT_EQ(stream.add(R"({"choices":[{"delta":{"content":"lo"},"finish_reason":"stop"}]})"), Event::delta);
  EXPECT_EQ(stream.add(R"({"choices":[],"usage":{"total_tokens":3}})"), Event::ignored);
  EXPECT_TRUE(stream.complete());
  EXPECT_EQ(stream.add("[DONE]"), Event::ignored);
  const auto reply = upstream::ChatReply::from_response(stream.result());
  EXPECT_EQ(reply.content, "Hello");
  EXPECT_EQ(reply.finish_reason, "stop");
  EXPECT_EQ(reply.model, "m");
  EXPECT_EQ(reply.usage["total_tokens"], 3);
  EXPECT_EQ(reply.raw["id"], "c1");
  EXPECT_EQ(stream.add("not json"), Event::not_json);
  EXPECT_EQ(stream.add(R"({"error":{"message":"overloaded"}})"), Event::upstream_error);
}

TEST(ChatReply, OddShapesGiveEmptyFields) {
  for (const char* text : {R"({})", R"({"choices":[]})", R"({"choices":[{"message":{"content":null}}]})",
                           R"({"choices":["x"],"model":7})", R"([1])"}) {
    const auto reply = upstream::ChatReply::from_response(proto::json::parse(text));
    EXPECT_EQ(reply.content, "") << text;
    EXPECT_EQ(reply.model, "") << text;
    EXPECT_TRUE(reply.finish_reason.is_null()) << text;
    EXPECT_EQ(reply.raw, proto::json::parse(text)) << text;
  }
}
