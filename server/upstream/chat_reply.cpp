// SPDX-License-Identifier: GPL-3.0-or-later
// Picking a chat.completion apart once, tolerant of providers' odd shapes.
#include "upstream/chat_reply.hpp"

namespace lamp::upstream {

ChatReply ChatReply::from_response(json response) {
  ChatReply reply;
  if (response.is_object()) {
    if (const auto model = response.find("model"); model != response.end() && model->is_string()) {
      reply.model = model->get<std::string>();
    }
    if (const auto usage = response.find("usage"); usage != response.end()) reply.usage = *usage;
    const auto choices = response.find("choices");
    if (choices != response.end() && choices->is_array() && !choices->empty() && (*choices)[0].is_object()) {
      const json& choice = (*choices)[0];
      reply.finish_reason = choice.value("finish_reason", json());
      const auto message = choice.find("message");
      if (message != choice.end() && message->is_object()) {
        const auto content = message->find("content");
        if (content != message->end() && content->is_string()) reply.content = content->get<std::string>();
      }
    }
  }
  reply.raw = std::move(response);
  return reply;
}

}  // namespace lamp::upstream
