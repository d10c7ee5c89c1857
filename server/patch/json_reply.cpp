// SPDX-License-Identifier: GPL-3.0-or-later
// Lenient JSON object extraction for model replies.
#include "patch/json_reply.hpp"

#include <string>

namespace lamp::patch {

std::optional<nlohmann::json> parse_object_at(std::string_view text, std::size_t begin, std::size_t* end) {
  // Find the matching brace, escaping raw control characters inside strings as we go.
  std::string repaired;
  repaired.reserve(text.size() - begin);
  int depth = 0;
  bool in_string = false;
  std::size_t i = begin;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\' && i + 1 < text.size()) {
        repaired += c;
        repaired += text[++i];
        continue;
      }
      if (c == '"') in_string = false;
      if (c == '\n') {
        repaired += "\\n";
      } else if (c == '\r') {
        repaired += "\\r";
      } else if (c == '\t') {
        repaired += "\\t";
      } else {
        repaired += c;
      }
      continue;
    }
    repaired += c;
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) break;
    }
  }
  if (depth != 0 || i >= text.size()) return std::nullopt;
  if (end) *end = i + 1;
  auto value = nlohmann::json::parse(repaired, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

}  // namespace lamp::patch
