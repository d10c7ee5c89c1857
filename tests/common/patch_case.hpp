// SPDX-License-Identifier: GPL-3.0-or-later
// The `wisp.patch` params of a table-driven case in tests/fixtures/patch/cases (shared by the
// fixture tests and the fuzz_patch seed requests).
#pragma once

#include "patch/positions.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace lamp::test_support {

// The case's "request" as wisp.patch params. The buffer is read from the fixtures directory;
// the selection is either explicit or the text "select" (its 1-based "occurrence").
inline nlohmann::json patch_case_params(const nlohmann::json& request,
                                        const std::filesystem::path& fixtures) {
  using json = nlohmann::json;
  std::ifstream in(fixtures / request.at("buffer").get<std::string>(), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string buffer = text.str();
  json params = {{"file_path", request.at("file_path")},
                 {"language", request.value("language", "")},
                 {"comment_style", request.value("comment_style", "")},
                 {"buffer_text", buffer},
                 {"context", {{"project_root", request.value("project_root", json(nullptr))}}}};
  if (request.contains("instruction")) params["instruction"] = request["instruction"];
  if (request.contains("selection")) {
    params["selection"] = request["selection"];
    return params;
  }
  const std::string select = request.at("select");
  std::size_t at = std::string::npos;
  for (int n = request.value("occurrence", 1); n > 0; --n) {
    at = buffer.find(select, at == std::string::npos ? 0 : at + 1);
  }
  if (at == std::string::npos) throw std::runtime_error("\"select\" text not found in the buffer");
  params["selection"] = {{"start_pos", patch::to_position(buffer, at)},
                         {"end_pos", patch::to_position(buffer, at + select.size())}};
  return params;
}

}  // namespace lamp::test_support
