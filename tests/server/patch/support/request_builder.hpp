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
#include <vector>

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

// Params with `selections`: the first occurrence of each text, searched from the end of the
// previous one (so the same comment text may appear twice).
inline nlohmann::json selections_params(const std::string& buffer, const std::vector<std::string>& selected,
                                        std::optional<std::string> instruction = std::nullopt) {
  nlohmann::json params = params_for(buffer, "", "src/app.py", std::move(instruction));
  params.erase("selection");
  params["selections"] = nlohmann::json::array();
  std::size_t from = 0;
  for (const std::string& text : selected) {
    const std::size_t at = buffer.find(text, from);
    EXPECT_NE(at, std::string::npos) << "selection not in buffer: " << text;
    if (at == std::string::npos) continue;
    params["selections"].push_back(
        {{"start_pos", to_position(buffer, at)}, {"end_pos", to_position(buffer, at + text.size())}});
    from = at + text.size();
  }
  return params;
}

inline PatchRequest selections_request(const std::string& buffer, const std::vector<std::string>& selected,
                                       std::optional<std::string> instruction = std::nullopt) {
  return parse_request(selections_params(buffer, selected, std::move(instruction)));
}

}  // namespace lamp::patch::testing
