// SPDX-License-Identifier: GPL-3.0-or-later
// ChatJob implementation: attempts, retry decisions, the stream's events, and error shaping.
#include "upstream/chat_job.hpp"

#include <boost/asio/post.hpp>

#include <utility>

namespace lamp::upstream {
namespace {

using namespace std::chrono_literals;
namespace code = proto::code;

}  // namespace

ChatJob::ChatJob(ChatJobDeps deps, json body, ChatHandlers handlers)
    : deps_(std::move(deps)),
      body_(std::move(body)),
      body_text_(proto::dump(body_)),
      streaming_(body_.value("stream", false)),
      handlers_(std::move(handlers)),
      errors_(deps_.config.api_key),
      backoff_timer_(deps_.executor),
      stall_timer_(deps_.executor),
      stream_(body_["model"]) {}

void ChatJob::submit() {
  self_ = shared_from_this();
  ticket_ = deps_.scheduler.submit([weak = weak_from_this()](UpstreamScheduler::SlotPtr slot) {
    auto self = weak.lock();
    if (!self || self->finished_) return;  // the slot is released as it goes out of scope
    self->slot_ = std::move(slot);
    self->ticket_ = 0;
    self->started_ = std::chrono::steady_clock::now();
    self->deadline_ = self->started_ + std::chrono::seconds(self->deps_.config.deadline_s);
    self->attempt();
  });
  if (ticket_ != 0 && handlers_.on_progress) handlers_.on_progress("queued", "");
}

void ChatJob::attempt() {
  ++attempts_;
  deps_.stats.calls.fetch_add(1, std::memory_order_relaxed);
  if (handlers_.on_progress) {
    const int total = deps_.policy.max_retries + 1;
    handlers_.on_progress("upstream", attempts_ == 1 ? "" : "attempt " + std::to_string(attempts_) +
                                                                " of " + std::to_string(total));
  }
  const auto& cfg = deps_.config;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now());
  HttpRequest req;
  req.url = cfg.chat_url;
  req.headers = {"Content-Type: application/json",
                 streaming_ ? "Accept: text/event-stream" : "Accept: application/json"};
  // A local model server without a key gets no Authorization header at all.
  if (!cfg.api_key.empty()) req.headers.push_back("Authorization: Bearer " + cfg.api_key);
  req.body = body_text_;
  req.timeout_ms = std::max<long>(1, std::min<long>(cfg.timeout_s * 1000L, left.count()));
  req.idle_timeout_s = cfg.timeout_s;
  req.stream_timeout_ms = std::max<long>(1, left.count());
  req.streaming = streaming_;
  sse_ = SseParser();
  stream_ = StreamAssembly(body_["model"]);

  auto executor = deps_.executor;
  std::weak_ptr<ChatJob> weak = weak_from_this();
  CurlTransport::ChunkHandler on_chunk;
  if (streaming_) {
    on_chunk = [executor, weak](std::string_view bytes) {
      boost::asio::post(executor, [weak, chunk = std::string(bytes)]() mutable {
        if (auto self = weak.lock()) self->on_chunk(std::move(chunk));
      });
    };
  }
  transfer_ = deps_.transport.start(std::move(req), std::move(on_chunk),
                                        [executor, weak](HttpResponse response) {
                                          boost::asio::post(executor, [weak, r = std::move(response)]() mutable {
                                            if (auto self = weak.lock()) self->on_response(std::move(r));
                                          });
                                        });
  if (streaming_) watch_stream();
}

// A stream must deliver a complete event every timeout_s: curl's low-speed check sees bytes
// only, so an upstream dripping a byte a second would otherwise hold the call until the deadline.
void ChatJob::watch_stream() {
  stall_timer_.expires_after(std::chrono::seconds(deps_.config.timeout_s));
  stall_timer_.async_wait([weak = weak_from_this(), attempt = attempts_](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->finished_ || self->attempts_ != attempt || !self->transfer_) return;
    self->deps_.transport.cancel(*self->transfer_);
    self->transfer_.reset();
    const std::string what =
        "the stream stalled: no event for " + std::to_string(self->deps_.config.timeout_s) + " s";
    self->transfer_failed(what, what);
  });
}

// The caller has seen part of the answer once a delta went out: a retry would repeat it.
void ChatJob::transfer_failed(const std::string& after_deltas, const std::string& before_deltas) {
  if (deltas_sent_ > 0) {
    fail(errors_.unreachable(after_deltas, attempts_, elapsed_ms()));
  } else {
    retry_or_fail(std::nullopt, errors_.unreachable(before_deltas, attempts_, elapsed_ms()));
  }
}

void ChatJob::on_chunk(std::string bytes) {
  if (finished_) return;
  try {
    sse_.feed(bytes);
    while (auto data = sse_.next()) {
      on_event(*data);
      if (finished_) return;
    }
  } catch (const std::length_error& e) {
    fail(errors_.malformed_stream(e.what()));
  }
}

void ChatJob::on_event(const std::string& data) {
  watch_stream();
  switch (stream_.add(data)) {
    case StreamAssembly::Event::ignored:
      return;
    case StreamAssembly::Event::not_json:
      fail(errors_.malformed_stream("a server-sent event is not a JSON object", data));
      return;
    case StreamAssembly::Event::upstream_error:
      fail(errors_.error_in_stream(data, attempts_));
      return;
    case StreamAssembly::Event::delta:
      if (deltas_sent_++ == 0 && handlers_.on_progress) handlers_.on_progress("streaming", "");
      if (handlers_.on_delta) handlers_.on_delta(stream_.last_delta());
      return;
  }
}

void ChatJob::on_response(HttpResponse r) {
  if (finished_) return;
  transfer_.reset();
  stall_timer_.cancel();
  if (r.curl_code != 0 && r.permanent) {
    fail(errors_.unreachable(r.curl_error + " (" + r.hint + ")", attempts_, elapsed_ms()));
    return;
  }
  if (r.curl_code != 0) {
    const bool past_deadline = std::chrono::steady_clock::now() + 100ms >= deadline_;
    const std::string what =
        !r.timed_out ? r.curl_error
        : past_deadline ? "the overall deadline of " + std::to_string(deps_.config.deadline_s) + " s passed"
                        : "timed out after " + std::to_string(deps_.config.timeout_s) + " s";
    transfer_failed("the stream broke: " + what, what);
    return;
  }
  if (r.status >= 200 && r.status < 300) {
    if (streaming_ && r.content_type.find("text/event-stream") != std::string::npos) {
      finish_stream();
      return;
    }
    if (streaming_ && r.body.rfind("data:", 0) == 0) {  // an event stream with a wrong type
      on_chunk(std::move(r.body));
      if (!finished_) finish_stream();
      return;
    }
    json result = json::parse(r.body, nullptr, false);
    if (result.is_discarded() || !result.is_object()) {
      fail(errors_.http(r, attempts_, "Upstream reply is not JSON"));
      return;
    }
    succeed(std::move(result));
    return;
  }
  std::optional<std::chrono::milliseconds> retry_after;
  if (r.retry_after) retry_after = parse_retry_after(*r.retry_after);
  if (RetryPolicy::retryable_status(r.status)) {
    retry_or_fail(retry_after, errors_.http(r, attempts_));
  } else {
    fail(errors_.http(r, attempts_));
  }
}

void ChatJob::retry_or_fail(std::optional<std::chrono::milliseconds> retry_after, proto::RpcError error) {
  if (attempts_ > deps_.policy.max_retries) {
    fail(std::move(error));
    return;
  }
  const auto delay = retry_after ? *retry_after : deps_.policy.backoff(attempts_, deps_.rng);
  if (std::chrono::steady_clock::now() + delay >= deadline_) {
    fail(std::move(error));
    return;
  }
  deps_.stats.retries.fetch_add(1, std::memory_order_relaxed);
  backoff_timer_.expires_after(delay);
  backoff_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec && !self->finished_) self->attempt();
  });
}

void ChatJob::finish_stream() {
  try {
    if (auto last = sse_.finish()) on_event(*last);
  } catch (const std::length_error& e) {
    fail(errors_.malformed_stream(e.what()));
  }
  if (finished_) return;
  if (!stream_.complete()) {
    fail(errors_.unreachable("the stream ended before [DONE]", attempts_, elapsed_ms()));
    return;
  }
  succeed(stream_.result());
}

void ChatJob::succeed(json result) {
  auto on_done = std::move(handlers_.on_done);
  end();
  if (on_done) on_done(ChatReply::from_response(std::move(result)));
}

void ChatJob::fail(proto::RpcError error) {
  deps_.stats.failures.fetch_add(1, std::memory_order_relaxed);
  auto on_done = std::move(handlers_.on_done);
  end();
  if (on_done) on_done(std::move(error));
}

void ChatJob::cancel() {
  if (finished_) return;
  end();
}

void ChatJob::end() {
  if (finished_) return;
  finished_ = true;
  if (transfer_) deps_.transport.cancel(*transfer_);
  transfer_.reset();
  backoff_timer_.cancel();
  stall_timer_.cancel();
  if (ticket_ != 0) deps_.scheduler.withdraw(ticket_);
  handlers_ = {};
  slot_.reset();  // may start the next queued job
  self_.reset();  // last: may destroy this job
}

long long ChatJob::elapsed_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_).count();
}

}  // namespace lamp::upstream
