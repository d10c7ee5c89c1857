// SPDX-License-Identifier: GPL-3.0-or-later
// Finds a JSON object in a model reply (bare, fenced, or wrapped in prose) and parses it
// leniently (raw newlines and tabs inside strings are accepted).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace lamp::patch {

struct FoundJson {
  nlohmann::json value;   // always an object
  std::size_t begin = 0;  // byte range of the object in the searched text
  std::size_t end = 0;
};

// The first object in `text` for which `wanted(object)` returns true. Candidates are "{" that
// begin a line (after blanks) and for which `allowed(byte offset)` returns true.
template <typename Pred, typename Allowed>
std::optional<FoundJson> find_json_object(std::string_view text, Pred wanted, Allowed allowed);

// Parses the object starting at text[begin] ('{'), repairing raw control characters inside
// strings; nullopt when it is not valid JSON even then. *end receives the byte after it.
std::optional<nlohmann::json> parse_object_at(std::string_view text, std::size_t begin, std::size_t* end);

template <typename Pred, typename Allowed>
std::optional<FoundJson> find_json_object(std::string_view text, Pred wanted, Allowed allowed) {
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] != '{') continue;
    std::size_t back = at;
    while (back > 0 && (text[back - 1] == ' ' || text[back - 1] == '\t')) --back;
    if ((back > 0 && text[back - 1] != '\n') || !allowed(at)) continue;
    std::size_t end = 0;
    if (auto value = parse_object_at(text, at, &end); value && value->is_object() && wanted(*value)) {
      return FoundJson{std::move(*value), at, end};
    }
  }
  return std::nullopt;
}

}  // namespace lamp::patch
