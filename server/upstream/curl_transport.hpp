// SPDX-License-Identifier: GPL-3.0-or-later
// CurlTransport: HTTP transfers on one dedicated thread driving a curl multi handle, so no
// request ever blocks the event loop and connections are reused across requests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

class CurlTransport {
 public:
  using TransferId = std::uint64_t;
  // Both run on the transport thread. `on_chunk` receives body bytes of a successful (2xx)
  // event-stream response as they arrive; everything else is collected into the response.
  using ChunkHandler = std::function<void(std::string_view bytes)>;
  using DoneHandler = std::function<void(HttpResponse response)>;

  explicit CurlTransport(TlsTrust trust = {});
  ~CurlTransport();
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // Thread-safe. `on_done` is called exactly once unless the transfer is cancelled first.
  TransferId start(HttpRequest request, ChunkHandler on_chunk, DoneHandler on_done);
  // Thread-safe. Aborts the transfer and closes its connection; `on_done` is not called.
  void cancel(TransferId id);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lamp::upstream
