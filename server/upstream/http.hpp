// SPDX-License-Identifier: GPL-3.0-or-later
// What an upstream HTTP transfer is asked and what it gives back: the request, the answer or
// the failure, and who is trusted for HTTPS. Shared by the transport and the debug log.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lamp::upstream {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  long timeout_ms = 60000;       // whole attempt (non-streaming)
  long idle_timeout_s = 60;      // streaming: abort when no byte arrives for this long
  long stream_timeout_ms = 0;    // streaming: whole attempt (the overall deadline); 0 = none
  bool streaming = false;
};

// Who the transport trusts for HTTPS, beyond libcurl's defaults (the system CA store).
struct TlsTrust {
  std::string ca_file;  // CURLOPT_CAINFO when set (SSL_CERT_FILE)
  std::string ca_dir;   // CURLOPT_CAPATH when set (SSL_CERT_DIR)
};

struct HttpResponse {
  long status = 0;                         // 0 when no HTTP response was received
  std::string content_type;
  std::optional<std::string> retry_after;  // raw header value
  std::string body;                        // everything not delivered as stream chunks
  int curl_code = 0;                       // CURLcode; 0 = transfer completed
  std::string curl_error;                  // human-readable when curl_code != 0
  bool timed_out = false;
  // The failure cannot change on a retry (an untrusted certificate, a malformed URL); `hint`
  // says what to set.
  bool permanent = false;
  std::string hint;
};

}  // namespace lamp::upstream
