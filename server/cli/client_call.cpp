// SPDX-License-Identifier: GPL-3.0-or-later
// Error descriptions for the CLI.
#include "cli/client_call.hpp"

namespace lamp::cli {

std::string describe_error(const proto::RpcError& e) {
  namespace code = proto::code;
  const auto& data = e.data();
  std::string text = e.what();
  auto detail = [&] {
    if (data.is_object() && data.contains("detail") && data["detail"].is_string()) {
      text += ": " + data["detail"].get<std::string>();
    }
  };
  switch (e.code()) {
    case code::upstream_http:
      if (data.is_object() && data.contains("attempts")) {
        text += " (after " + proto::dump(data["attempts"]) + " attempt(s))";
      }
      break;
    case code::upstream_unreachable:
      if (data.is_object() && data.contains("attempts")) {
        text += " (after " + proto::dump(data["attempts"]) + " attempt(s), " +
                proto::dump(data.value("elapsed_ms", proto::json(0))) + " ms)";
      }
      break;
    case code::server_busy:
      text += "; try again shortly";
      break;
    default:
      if (!text.empty() && data.is_object() && data.contains("detail")) detail();
      break;
  }
  return text + " [" + std::to_string(e.code()) + "]";
}

}  // namespace lamp::cli
