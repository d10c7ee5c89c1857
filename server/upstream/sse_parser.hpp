// SPDX-License-Identifier: GPL-3.0-or-later
// SseParser: incremental Server-Sent Events parser (the subset OpenAI-compatible APIs use):
// `data:` lines joined per event, comments and other fields ignored, any line ending.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lamp::upstream {

class SseParser {
 public:
  // Bounds one event's data so a broken upstream cannot grow memory without limit.
  explicit SseParser(std::size_t max_event_bytes = 8u << 20) : max_(max_event_bytes) {}

  void feed(std::string_view bytes) { buf_.append(bytes); }
  // The data of the next complete event, or nothing until more bytes arrive.
  // Throws std::length_error when an event exceeds the bound.
  std::optional<std::string> next();
  // Data of an event cut off by the end of the stream, if any.
  std::optional<std::string> finish();

 private:
  std::string buf_;
  std::size_t pos_ = 0;
  std::string data_;
  bool has_data_ = false;
  std::size_t max_;
};

}  // namespace lamp::upstream
