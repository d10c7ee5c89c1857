// SPDX-License-Identifier: GPL-3.0-or-later
// FrameSplitter: cuts a byte stream into JSON-RPC messages, auto-detecting per message
// newline-delimited JSON or LSP `Content-Length` framing. Shared by lamp and lamp-module.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lamp::proto {

enum class Framing { ndjson, lsp };

struct Frame {
  enum class Kind {
    message,    // body holds one complete message
    oversized,  // a message exceeded the limit; it is being discarded
    bad_header  // an LSP header block without a usable Content-Length
  };
  Kind kind = Kind::message;
  Framing framing = Framing::ndjson;
  std::string body;
};

class FrameSplitter {
 public:
  explicit FrameSplitter(std::size_t max_message_bytes);

  // Appends bytes read from the peer.
  void feed(std::string_view bytes);
  // Returns the next complete frame (or frame error), or nothing until more bytes arrive.
  std::optional<Frame> next();
  // Bytes held that do not yet form a complete frame.
  std::size_t buffered() const { return buf_.size() - pos_; }
  std::size_t max_message_bytes() const { return max_; }

 private:
  std::optional<Frame> next_line();
  std::optional<Frame> next_lsp();
  void compact();

  std::size_t max_;
  std::string buf_;
  std::size_t pos_ = 0;   // start of unconsumed data
  std::size_t scan_ = 0;  // where the search for '\n' resumes (NDJSON)
  // Discard state: skipping the rest of an oversized line or a known number of LSP body bytes.
  bool skipping_line_ = false;
  std::size_t skip_bytes_ = 0;
  // LSP state: a header was read, the body of this many bytes is pending.
  std::optional<std::size_t> lsp_body_;
};

// Writes one message in the given framing.
std::string frame(std::string_view body, Framing framing);
void append_frame(std::string& out, std::string_view body, Framing framing);

}  // namespace lamp::proto
