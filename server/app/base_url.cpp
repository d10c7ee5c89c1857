// SPDX-License-Identifier: GPL-3.0-or-later
// Base-URL rules: the chat-completions path and loopback detection.
#include "app/base_url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace lamp::app {
namespace {

// Where the authority (host and port) starts: after "scheme://", else 0.
std::size_t authority_start(std::string_view url) {
  const auto scheme = url.find("://");
  return scheme == std::string_view::npos ? 0 : scheme + 3;
}

// One past the authority: the first '/', '?' or '#' after it.
std::size_t authority_end(std::string_view url) {
  const auto end = url.find_first_of("/?#", authority_start(url));
  return end == std::string_view::npos ? url.size() : end;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::string chat_completions_url(std::string_view base_url) {
  const std::size_t query = std::min(base_url.find_first_of("?#", authority_start(base_url)), base_url.size());
  std::string path(base_url.substr(0, query));
  const std::string_view suffix = base_url.substr(query);
  while (!path.empty() && path.back() == '/') path.pop_back();
  const bool bare_host = authority_end(path) == path.size();
  path += bare_host ? "/v1/chat/completions" : "/chat/completions";
  // A fragment is never sent; a query string is.
  const std::string_view kept = suffix.substr(0, std::min(suffix.find('#'), suffix.size()));
  return path + std::string(kept);
}

std::string url_host(std::string_view url) {
  std::string_view authority = url.substr(authority_start(url));
  authority = authority.substr(0, std::min(authority.find_first_of("/?#"), authority.size()));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    return close == std::string_view::npos ? "" : std::string(authority.substr(1, close - 1));
  }
  return std::string(authority.substr(0, std::min(authority.find(':'), authority.size())));
}

bool is_loopback_host(std::string_view host) {
  std::string name = ascii_lower(host);
  if (name.ends_with(".")) name.pop_back();  // "localhost." is the same name
  if (name == "localhost") return true;
  std::array<unsigned char, 16> addr{};
  if (::inet_pton(AF_INET, name.c_str(), addr.data()) == 1) return addr[0] == 127;
  if (::inet_pton(AF_INET6, name.c_str(), addr.data()) == 1) {
    constexpr std::array<unsigned char, 16> kLoopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const bool v4_mapped = std::all_of(addr.begin(), addr.begin() + 10, [](unsigned char b) { return b == 0; }) &&
                           addr[10] == 0xff && addr[11] == 0xff;
    return addr == kLoopback || (v4_mapped && addr[12] == 127);
  }
  return false;
}

}  // namespace lamp::app
