// SPDX-License-Identifier: GPL-3.0-or-later
// SseParser implementation, following the WHATWG event-stream line rules.
#include "upstream/sse_parser.hpp"

#include <stdexcept>
#include <utility>

namespace lamp::upstream {

std::optional<std::string> SseParser::next() {
  for (;;) {
    // Find the end of the next line: \n, \r\n or a lone \r.
    std::size_t eol = pos_;
    while (eol < buf_.size() && buf_[eol] != '\n' && buf_[eol] != '\r') ++eol;
    if (eol == buf_.size()) {
      if (buf_.size() - pos_ > max_) throw std::length_error("server-sent event too large");
      buf_.erase(0, pos_);
      pos_ = 0;
      return std::nullopt;
    }
    std::size_t next_line = eol + 1;
    if (buf_[eol] == '\r') {
      if (next_line == buf_.size()) return std::nullopt;  // wait: \r\n may be split
      if (buf_[next_line] == '\n') ++next_line;
    }
    const std::string_view line(buf_.data() + pos_, eol - pos_);
    pos_ = next_line;

    if (line.empty()) {  // blank line: dispatch
      if (!has_data_) continue;
      has_data_ = false;
      return std::exchange(data_, {});
    }
    if (line.front() == ':') continue;  // comment / keep-alive
    const auto colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field != "data") continue;  // event:, id:, retry: do not matter here
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
    if (data_.size() > max_) throw std::length_error("server-sent event too large");
  }
}

std::optional<std::string> SseParser::finish() {
  buf_.append("\n\n");  // ends a cut-off line and dispatches a pending event
  auto last = next();
  buf_.clear();
  pos_ = 0;
  data_.clear();
  has_data_ = false;
  return last;
}

}  // namespace lamp::upstream
