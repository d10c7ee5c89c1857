// SPDX-License-Identifier: GPL-3.0-or-later
// RequestLog implementation: redaction of headers, URL credentials and the token in the body.
#include "upstream/request_log.hpp"

#include "app/redact.hpp"
#include "proto/jsonrpc.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace lamp::upstream {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_credential(std::string_view name) {
  constexpr std::array<std::string_view, 4> names = {"authorization", "proxy-authorization", "api-key",
                                                     "x-api-key"};
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return same_name(n, name); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string escape_controls(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string describe_for_log(const HttpRequest& request, std::size_t excerpt_bytes) {
  std::vector<std::string> secrets;
  std::string headers;
  for (const auto& line : request.headers) {
    const auto colon = line.find(':');
    const std::string_view name = trim(std::string_view(line).substr(0, colon));
    if (!headers.empty()) headers += "; ";
    if (colon == std::string::npos || !is_credential(name)) {
      headers += line;
      continue;
    }
    const std::string_view value = trim(std::string_view(line).substr(colon + 1));
    const auto space = value.find(' ');
    // "Bearer TOKEN": keep the scheme, which says how the server authenticates.
    const std::string_view scheme = space == std::string_view::npos ? std::string_view() : value.substr(0, space);
    const std::string_view token = trim(space == std::string_view::npos ? value : value.substr(space + 1));
    if (!token.empty()) secrets.emplace_back(token);
    headers += std::string(name) + ": " + (scheme.empty() ? "" : std::string(scheme) + " ") + std::string(app::kRedacted);
  }
  std::string url = app::url_without_userinfo(request.url, std::string(app::kRedacted) + "@");
  // The whole body, not a window: a shorter replacement could pull a later token into view.
  std::string excerpt = request.body;
  for (const auto& s : secrets) {
    app::replace_every(url, s, app::kRedacted);
    app::replace_every(excerpt, s, app::kRedacted);
  }
  excerpt = proto::utf8_prefix(excerpt, excerpt_bytes);
  std::string line = "POST " + url + " headers: " + headers + " body: " +
                     std::to_string(request.body.size()) + " bytes: " + escape_controls(excerpt);
  if (request.body.size() > excerpt_bytes) line += "...";
  return line;
}

}  // namespace lamp::upstream
