// SPDX-License-Identifier: GPL-3.0-or-later
// CurlTransport: HTTP transfers on one dedicated thread driving a curl multi handle, so no
// request ever blocks the event loop and connections are reused across requests. The thread
// and libcurl itself start with the first transfer (an idle lamp maps neither).
#pragma once

#include "upstream/http.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::upstream {

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

  // Thread-safe. `on_done` is called exactly once unless the transfer is cancelled first. The
  // first call loads libcurl; std::runtime_error when it cannot.
  TransferId start(HttpRequest request, ChunkHandler on_chunk, DoneHandler on_done);
  // Thread-safe. Aborts the transfer and closes its connection; `on_done` is not called.
  void cancel(TransferId id);

 private:
  class Impl;
  Impl& impl();  // started on first use

  const TlsTrust trust_;
  std::once_flag started_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lamp::upstream
