// SPDX-License-Identifier: GPL-3.0-or-later
// The upstream base URL: the chat-completions URL derived from it (the OpenAI SDKs' rule) and
// whether its host is this machine (a local model server, which needs no API key).
#pragma once

#include <string>
#include <string_view>

namespace lamp::app {

// `/chat/completions` appended to the base as given (one slash between); a base that is a bare
// host with no path gets `/v1/chat/completions`. A query string stays at the end.
//   https://api.openai.com                               -> https://api.openai.com/v1/chat/completions
//   https://generativelanguage.googleapis.com/v1beta/openai/ -> .../v1beta/openai/chat/completions
std::string chat_completions_url(std::string_view base_url);

// The host of an http(s) URL, without userinfo, port or IPv6 brackets; "" when there is none.
std::string url_host(std::string_view url);

// True for `localhost`, 127.0.0.0/8 and ::1 (also an IPv4-mapped 127.x address).
bool is_loopback_host(std::string_view host);

}  // namespace lamp::app
