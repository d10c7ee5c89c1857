// SPDX-License-Identifier: GPL-3.0-or-later
// FrameSplitter implementation: NDJSON lines and LSP Content-Length frames, with size limits.
#include "proto/frame_splitter.hpp"

#include <algorithm>
#include <charconv>

namespace lamp::proto {
namespace {

constexpr std::string_view kContentLength = "content-length";
constexpr std::size_t kMaxHeaderBytes = 8192;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Header names are ASCII; the C library's tolower would consult the locale for every byte.
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  const std::size_t n = std::min(text.size(), prefix.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (ascii_lower(text[i]) != prefix[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Parses the Content-Length out of an LSP header block; nothing when absent or malformed.
std::optional<std::size_t> content_length(std::string_view headers) {
  std::optional<std::size_t> length;
  while (!headers.empty()) {
    const auto eol = headers.find('\n');
    std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto name = trim(line.substr(0, colon));
    if (name.size() != kContentLength.size() || !iequals_prefix(name, kContentLength)) continue;
    const auto value = trim(line.substr(colon + 1));
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc{} || end != value.data() + value.size()) return std::nullopt;
    length = n;
  }
  return length;
}

}  // namespace

FrameSplitter::FrameSplitter(std::size_t max_message_bytes) : max_(max_message_bytes) {}

void FrameSplitter::feed(std::string_view bytes) {
  compact();
  buf_.append(bytes);
}

void FrameSplitter::compact() {
  if (pos_ == 0) return;
  if (pos_ == buf_.size()) {
    buf_.clear();
  } else if (pos_ < buf_.size() / 2 && buf_.size() < (1u << 20)) {
    return;  // not worth moving yet
  } else {
    buf_.erase(0, pos_);
  }
  scan_ -= std::min(scan_, pos_);
  pos_ = 0;
}

std::optional<Frame> FrameSplitter::next() {
  for (;;) {
    if (skip_bytes_ > 0) {
      const std::size_t n = std::min(skip_bytes_, buf_.size() - pos_);
      pos_ += n;
      skip_bytes_ -= n;
      if (skip_bytes_ > 0) return std::nullopt;
    }
    if (skipping_line_) {
      const auto nl = buf_.find('\n', pos_);
      if (nl == std::string::npos) {
        pos_ = buf_.size();
        return std::nullopt;
      }
      pos_ = nl + 1;
      skipping_line_ = false;
    }
    if (lsp_body_) return next_lsp();
    // Between messages: skip blank space, then decide the framing of the next message.
    while (pos_ < buf_.size() && is_space(buf_[pos_])) ++pos_;
    scan_ = std::max(scan_, pos_);
    if (pos_ == buf_.size()) return std::nullopt;
    const std::string_view rest(buf_.data() + pos_, buf_.size() - pos_);
    if (ascii_lower(rest.front()) == 'c') {
      if (!iequals_prefix(rest, kContentLength)) return next_line();
      if (rest.size() < kContentLength.size()) return std::nullopt;  // wait: could be a header
      return next_lsp();
    }
    return next_line();
  }
}

std::optional<Frame> FrameSplitter::next_line() {
  const auto nl = buf_.find('\n', scan_);
  if (nl == std::string::npos) {
    scan_ = buf_.size();
    // A line of exactly max_ bytes may be waiting for the "\n" of its "\r\n".
    const std::size_t held = buf_.size() - pos_;
    if (held > max_ + 1 || (held == max_ + 1 && buf_.back() != '\r')) {
      pos_ = buf_.size();
      skipping_line_ = true;
      return Frame{Frame::Kind::oversized, Framing::ndjson, {}};
    }
    return std::nullopt;
  }
  std::size_t end = nl;
  if (end > pos_ && buf_[end - 1] == '\r') --end;
  Frame f;
  if (end - pos_ > max_) {
    f.kind = Frame::Kind::oversized;
  } else {
    f.body.assign(buf_, pos_, end - pos_);
  }
  pos_ = nl + 1;
  scan_ = pos_;
  return f;
}

std::optional<Frame> FrameSplitter::next_lsp() {
  if (!lsp_body_) {
    const std::string_view rest(buf_.data() + pos_, buf_.size() - pos_);
    std::size_t header_end = rest.find("\r\n\r\n");
    std::size_t sep = 4;
    if (const auto lf = rest.find("\n\n"); lf < header_end) {
      header_end = lf;
      sep = 2;
    }
    if (header_end == std::string_view::npos) {
      if (rest.size() > kMaxHeaderBytes) {
        pos_ = buf_.size();
        skipping_line_ = true;
        return Frame{Frame::Kind::bad_header, Framing::lsp, {}};
      }
      return std::nullopt;
    }
    const auto length = content_length(rest.substr(0, header_end));
    pos_ += header_end + sep;
    scan_ = pos_;
    if (!length) return Frame{Frame::Kind::bad_header, Framing::lsp, {}};
    if (*length > max_) {
      skip_bytes_ = *length;
      return Frame{Frame::Kind::oversized, Framing::lsp, {}};
    }
    lsp_body_ = *length;
  }
  if (buf_.size() - pos_ < *lsp_body_) return std::nullopt;
  Frame f{Frame::Kind::message, Framing::lsp, buf_.substr(pos_, *lsp_body_)};
  pos_ += *lsp_body_;
  scan_ = pos_;
  lsp_body_.reset();
  return f;
}

void append_frame(std::string& out, std::string_view body, Framing framing) {
  if (framing == Framing::lsp) {
    out.append("Content-Length: ");
    out.append(std::to_string(body.size()));
    out.append("\r\n\r\n");
    out.append(body);
  } else {
    out.append(body);
    out.push_back('\n');
  }
}

std::string frame(std::string_view body, Framing framing) {
  std::string out;
  out.reserve(body.size() + 32);
  append_frame(out, body, framing);
  return out;
}

}  // namespace lamp::proto
