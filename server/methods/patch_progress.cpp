// SPDX-License-Identifier: GPL-3.0-or-later
// PatchProgress implementation: counts code points (what Emacs counts) and throttles deltas.
#include "methods/patch_progress.hpp"

namespace lamp::methods {

using proto::json;

void PatchProgress::stage(const std::string& name, const std::string& detail) {
  if (name == "upstream") {
    pending_.clear();
    chars_ = 0;
    sent_this_turn_ = false;
  }
  json params = {{"stage", name}};
  if (!detail.empty()) params["detail"] = detail;
  send(std::move(params));
}

void PatchProgress::delta(const json& delta) {
  if (!delta.is_object()) return;
  auto content = delta.find("content");
  if (content == delta.end() || !content->is_string()) return;
  const auto& text = content->get_ref<const std::string&>();
  for (unsigned char byte : text) {
    if ((byte & 0xC0) != 0x80) ++chars_;  // a UTF-8 lead byte starts a code point
  }
  pending_ += text;
  const auto now = clock::now();
  if (!sent_this_turn_ || now - last_sent_ >= tick_) flush();
}

void PatchProgress::flush() {
  if (pending_.empty()) return;
  sent_this_turn_ = true;
  last_sent_ = clock::now();
  json params = {{"stage", "streaming"}, {"chars", chars_}, {"text", std::move(pending_)}};
  pending_.clear();
  send(std::move(params));
}

void PatchProgress::send(json params) {
  auto call = call_.lock();
  if (!call || call->is_notification() || call->done()) return;
  params["request_id"] = call->id();
  call->notify("$/progress", std::move(params));
}

}  // namespace lamp::methods
