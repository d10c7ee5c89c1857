// SPDX-License-Identifier: GPL-3.0-or-later
// StreamAssembly implementation: each chunk's fields merged, deltas' content appended.
#include "upstream/stream_assembly.hpp"

namespace lamp::upstream {

StreamAssembly::Event StreamAssembly::add(const std::string& data) {
  if (data == "[DONE]") {
    done_marker_ = true;
    return Event::ignored;
  }
  json chunk = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (chunk.is_discarded() || !chunk.is_object()) return Event::not_json;
  if (chunk.contains("error")) return Event::upstream_error;
  for (const char* key : {"id", "created", "model", "system_fingerprint"}) {
    if (chunk.contains(key)) meta_[key] = chunk[key];
  }
  if (chunk.contains("usage") && !chunk["usage"].is_null()) meta_["usage"] = chunk["usage"];
  const auto choices = chunk.find("choices");
  if (choices == chunk.end() || !choices->is_array() || choices->empty()) return Event::ignored;
  const json& choice = (*choices)[0];
  if (choice.contains("finish_reason") && !choice["finish_reason"].is_null()) {
    finish_reason_ = choice["finish_reason"];
  }
  const auto delta = choice.find("delta");
  if (delta == choice.end() || !delta->is_object()) return Event::ignored;
  if (auto role = delta->find("role"); role != delta->end() && role->is_string()) role_ = *role;
  if (auto content = delta->find("content"); content != delta->end() && content->is_string()) {
    content_ += content->get<std::string>();
  }
  last_delta_ = *delta;
  return Event::delta;
}

json StreamAssembly::result() const {
  json message = {{"role", role_}, {"content", content_}};
  json result = {{"id", meta_.value("id", json("chatcmpl-lamp"))},
                 {"object", "chat.completion"},
                 {"created", meta_.value("created", json(0))},
                 {"model", meta_.value("model", model_)},
                 {"choices", json::array({{{"index", 0}, {"message", message}, {"finish_reason", finish_reason_}}})}};
  if (meta_.contains("usage")) result["usage"] = meta_["usage"];
  if (meta_.contains("system_fingerprint")) result["system_fingerprint"] = meta_["system_fingerprint"];
  return result;
}

}  // namespace lamp::upstream
