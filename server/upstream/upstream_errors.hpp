// SPDX-License-Identifier: GPL-3.0-or-later
// UpstreamErrors: the JSON-RPC errors an upstream call ends with (docs/protocol.md): HTTP errors
// with the provider's message and a body excerpt, an unreachable upstream, a malformed stream;
// every text they quote has the API key redacted.
#pragma once

#include "proto/jsonrpc.hpp"
#include "upstream/http.hpp"

#include <string>
#include <string_view>

namespace lamp::upstream {

class UpstreamErrors {
 public:
  // `api_key` must outlive this object (it is the server's configuration).
  explicit UpstreamErrors(std::string_view api_key) : api_key_(api_key) {}

  // -32001 for a non-2xx answer (`message` replaces "Upstream HTTP <status>" when given).
  proto::RpcError http(const HttpResponse& response, int attempts, std::string message = "") const;
  // -32002: no answer; `detail` says why.
  proto::RpcError unreachable(const std::string& detail, int attempts, long long elapsed_ms) const;
  // -32004 for a stream that cannot be read, quoting the offending event when there is one.
  proto::RpcError malformed_stream(const std::string& detail, const std::string& event = "") const;
  // -32001 for an {"error": ...} event inside a 200 stream.
  proto::RpcError error_in_stream(const std::string& event, int attempts) const;

  std::string redact(std::string text) const;

 private:
  std::string excerpt(const std::string& text) const;
  std::string_view api_key_;
};

}  // namespace lamp::upstream
