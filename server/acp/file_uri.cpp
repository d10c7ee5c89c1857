// SPDX-License-Identifier: GPL-3.0-or-later
// File URI decoding and lexical path normalization for ACP file references.
#include "acp/file_uri.hpp"

#include <vector>

namespace lamp::acp {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace

std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const std::size_t slash = path.find('/', pos);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view part = path.substr(pos, end - pos);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  std::string out;
  for (const auto part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

std::string absolute_path(std::string_view path, std::string_view cwd) {
  if (!path.empty() && path.front() == '/') return normalize_path(path);
  std::string joined(cwd);
  joined += '/';
  joined += path;
  return normalize_path(joined);
}

std::optional<std::string> path_from_uri(std::string_view uri) {
  if (!uri.empty() && uri.front() == '/') return normalize_path(uri);
  constexpr std::string_view scheme = "file://";
  if (uri.substr(0, scheme.size()) != scheme) return std::nullopt;
  std::string_view rest = uri.substr(scheme.size());
  if (rest.substr(0, 9) == "localhost") rest.remove_prefix(9);
  if (rest.empty() || rest.front() != '/') return std::nullopt;  // another host
  rest = rest.substr(0, rest.find_first_of("?#"));
  auto decoded = percent_decode(rest);
  if (!decoded || decoded->find('\0') != std::string::npos) return std::nullopt;
  return normalize_path(*decoded);
}

}  // namespace lamp::acp
