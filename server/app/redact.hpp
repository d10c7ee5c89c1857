// SPDX-License-Identifier: GPL-3.0-or-later
// Redaction: what keeps credentials out of displayed URLs, error texts and the debug log.
#pragma once

#include <string>
#include <string_view>

namespace lamp::app {

// What stands where a credential was, in every text lamp shows or logs.
inline constexpr std::string_view kRedacted = "<redacted>";

// Replaces every occurrence of `secret` in `text` with `placeholder` (nothing when `secret` is
// empty).
void replace_every(std::string& text, std::string_view secret, std::string_view placeholder);

// `url` with its user:password@ part replaced by `placeholder` (pass "" to drop it). Only an
// '@' before the first '/', '?' or '#' after the scheme counts.
std::string url_without_userinfo(const std::string& url, std::string_view placeholder);

}  // namespace lamp::app
