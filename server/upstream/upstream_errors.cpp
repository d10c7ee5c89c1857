// SPDX-License-Identifier: GPL-3.0-or-later
// UpstreamErrors implementation: error shapes of docs/protocol.md, redacted excerpts.
#include "upstream/upstream_errors.hpp"

#include "app/redact.hpp"
#include "upstream/retry_policy.hpp"

namespace lamp::upstream {
namespace {

namespace code = proto::code;
using proto::json;

constexpr std::size_t kBodyExcerptBytes = 2048;

}  // namespace

proto::RpcError UpstreamErrors::http(const HttpResponse& r, int attempts, std::string message) const {
  json retry_after = nullptr;
  if (r.retry_after) {
    if (auto d = parse_retry_after(*r.retry_after)) retry_after = static_cast<double>(d->count()) / 1000.0;
  }
  if (message.empty()) {
    message = "Upstream HTTP " + std::to_string(r.status);
    json body = json::parse(r.body, nullptr, false);
    if (!body.is_discarded() && body.is_object() && body.contains("error") && body["error"].is_object() &&
        body["error"].contains("message") && body["error"]["message"].is_string()) {
      message += ": " + proto::utf8_prefix(redact(body["error"]["message"].get<std::string>()), 300);
    }
  }
  return proto::RpcError(code::upstream_http, message,
                         {{"status", r.status}, {"body", excerpt(r.body)}, {"retry_after", retry_after},
                          {"attempts", attempts}});
}

proto::RpcError UpstreamErrors::unreachable(const std::string& detail, int attempts, long long elapsed_ms) const {
  return proto::RpcError(code::upstream_unreachable, "Upstream unreachable: " + redact(detail),
                         {{"attempts", attempts}, {"elapsed_ms", elapsed_ms}, {"detail", redact(detail)}});
}

proto::RpcError UpstreamErrors::malformed_stream(const std::string& detail, const std::string& event) const {
  json data = {{"detail", detail}};
  if (!event.empty()) data["reply"] = excerpt(event);
  return proto::RpcError(code::unusable_reply, "Malformed upstream stream", std::move(data));
}

proto::RpcError UpstreamErrors::error_in_stream(const std::string& event, int attempts) const {
  return proto::RpcError(code::upstream_http, "Upstream error in stream",
                         {{"status", 200}, {"body", excerpt(event)}, {"retry_after", nullptr}, {"attempts", attempts}});
}

std::string UpstreamErrors::redact(std::string text) const {
  app::replace_every(text, api_key_, app::kRedacted);
  return text;
}

std::string UpstreamErrors::excerpt(const std::string& text) const {
  return proto::utf8_prefix(redact(text), kBodyExcerptBytes);
}

}  // namespace lamp::upstream
