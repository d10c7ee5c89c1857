// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: wisp.patch params built around a piece of text, so tests say which comment is
// selected instead of counting characters.
#pragma once

#include "patch/positions.hpp"
#include "patch/request.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace lamp::patch::testing {

// Params selecting the first occurrence of `selected` in `buffer` (an empty `selected`
// selects nothing at the start).
inline nlohmann::json params_for(const std::string& buffer, std::string_view selected,
                                 const std::string& rel = "src/app.py",
                                 std::optional<std::string> instruction = std::nullopt) {
  const std::size_t at = selected.empty() ? 0 : buffer.find(selected);
  EXPECT_NE(at, std::string::npos) << "selection not in buffer: " << selected;
  const auto start = to_position(buffer, at);
  const auto end = to_position(buffer, at + selected.size());
  nlohmann::json params = {{"file_path", "/work/proj/" + rel},
                           {"language", "python"},
                           {"comment_style", "# "},
                           {"selection", {{"start_pos", start}, {"end_pos", end}}},
                           {"buffer_text", buffer},
                           {"context", {{"project_root", "/work/proj"}}}};
  if (instruction) params["instruction"] = *instruction;
  return params;
}

inline PatchRequest request_for(const std::string& buffer, std::string_view selected,
                                const std::string& rel = "src/app.py",
                                std::optional<std::string> instruction = std::nullopt) {
  return parse_request(params_for(buffer, selected, rel, std::move(instruction)));
}

}  // namespace lamp::patch::testing
