// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: FrameSplitter (NDJSON and LSP framing) fed in random chunks; checks the size
// limit, the memory bound, byte accounting and that chunking never changes the frames.
#include "proto/frame_splitter.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using lamp::proto::Frame;
using lamp::proto::FrameSplitter;

namespace {

constexpr std::size_t kMaxHeaderBytes = 8192;  // frame_splitter.cpp's LSP header bound

void check(bool ok) {
  if (!ok) std::abort();
}

struct Seen {
  Frame::Kind kind;
  lamp::proto::Framing framing;
  std::string body;
  bool operator==(const Seen&) const = default;
};

// Drains every frame available now, checking the per-frame invariants.
void drain(FrameSplitter& s, std::vector<Seen>& out) {
  while (auto f = s.next()) {
    if (f->kind == Frame::Kind::message) {
      check(f->body.size() <= s.max_message_bytes());
    } else {
      check(f->body.empty());
    }
    out.push_back({f->kind, f->framing, std::move(f->body)});
  }
  // Held bytes are bounded whatever the peer sends: a partial line up to the limit, a partial
  // LSP header up to its bound, or a partial LSP body (whose length is within the limit).
  check(s.buffered() <= std::max(s.max_message_bytes(), kMaxHeaderBytes));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::size_t max = fdp.ConsumeIntegralInRange<std::size_t>(1, 4096);
  const auto chunk_seed = fdp.ConsumeIntegral<std::uint32_t>();
  const std::string input = fdp.ConsumeRemainingBytesAsString();

  // Chunked: sizes from a small PRNG seeded by the input, so the chunking is reproducible.
  FrameSplitter chunked(max);
  std::vector<Seen> a;
  std::uint32_t x = chunk_seed | 1u;
  for (std::size_t at = 0; at < input.size();) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    const std::size_t n = std::min<std::size_t>(input.size() - at, 1 + x % 64);
    chunked.feed(std::string_view(input).substr(at, n));
    at += n;
    drain(chunked, a);
  }

  // All bytes accounted for: every message body lies in the input, in order, after the previous
  // one, and the bodies plus what is still held never exceed what was fed.
  std::size_t from = 0;
  std::size_t body_bytes = 0;
  for (const auto& f : a) {
    if (f.kind != Frame::Kind::message || f.body.empty()) continue;
    const auto at = input.find(f.body, from);
    check(at != std::string::npos);
    from = at + f.body.size();
    body_bytes += f.body.size();
  }
  check(body_bytes + chunked.buffered() <= input.size());

  // One feed of everything must give the same frames, as long as no bound can be hit part-way
  // (a partial line or header over a bound is dropped early by design).
  if (input.size() <= std::min(max, kMaxHeaderBytes)) {
    FrameSplitter whole(max);
    std::vector<Seen> b;
    whole.feed(input);
    drain(whole, b);
    check(a == b);
    check(chunked.buffered() == whole.buffered());
  }
  return 0;
}
