// SPDX-License-Identifier: GPL-3.0-or-later
// RequestLog: the debug-log view of an upstream HTTP request, with every credential blanked.
// Only used when LAMP_LOG=debug; at other levels no request detail is logged at all.
#pragma once

#include "upstream/http.hpp"

#include <string>

namespace lamp::upstream {

// One line: "POST <url> headers: A; B; ... body: N bytes: <excerpt>". The URL loses any
// user:password@ part; the values of Authorization, Proxy-Authorization, Api-Key and X-Api-Key
// become "<redacted>" (an auth scheme such as "Bearer" stays); the bearer token is also
// replaced wherever else it occurs in the URL or the body. The excerpt is the body's first
// `excerpt_bytes` bytes, control characters escaped so the entry stays one line.
std::string describe_for_log(const HttpRequest& request, std::size_t excerpt_bytes = 200);

}  // namespace lamp::upstream
