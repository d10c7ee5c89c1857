// SPDX-License-Identifier: GPL-3.0-or-later
// Redaction implementation.
#include "app/redact.hpp"

namespace lamp::app {

void replace_every(std::string& text, std::string_view secret, std::string_view placeholder) {
  if (secret.empty()) return;
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + placeholder.size())) {
    text.replace(pos, secret.size(), placeholder);
  }
}

std::string url_without_userinfo(const std::string& url, std::string_view placeholder) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto host = scheme + 3;
  const auto at = url.find('@', host);
  const auto end = url.find_first_of("/?#", host);
  if (at == std::string::npos || (end != std::string::npos && at > end)) return url;
  return url.substr(0, host) + std::string(placeholder) + url.substr(at + 1);
}

}  // namespace lamp::app
