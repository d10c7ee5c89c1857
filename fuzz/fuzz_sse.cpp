// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: SseParser fed in random chunks; no event exceeds the bound, the held buffer
// stays bounded, and chunking does not change the events.
#include "upstream/sse_parser.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

using lamp::upstream::SseParser;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// Events of `input` fed in chunks of 1..`max_chunk` bytes; false if the parser refused the stream.
bool run(const std::string& input, std::size_t max_event, std::uint32_t seed, std::size_t max_chunk,
         std::vector<std::string>& events) {
  SseParser p(max_event);
  std::uint32_t x = seed | 1u;
  try {
    for (std::size_t at = 0; at < input.size();) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;
      const std::size_t n = std::min<std::size_t>(input.size() - at, 1 + x % max_chunk);
      p.feed(std::string_view(input).substr(at, n));
      at += n;
      while (auto e = p.next()) {
        check(e->size() <= max_event);
        events.push_back(std::move(*e));
      }
    }
    if (auto e = p.finish()) {
      check(e->size() <= max_event);
      events.push_back(std::move(*e));
    }
  } catch (const std::length_error&) {
    return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::size_t max_event = fdp.ConsumeIntegralInRange<std::size_t>(1, 1024);
  const auto seed = fdp.ConsumeIntegral<std::uint32_t>();
  const std::string input = fdp.ConsumeRemainingBytesAsString();

  std::vector<std::string> a;
  std::vector<std::string> b;
  const bool ok_a = run(input, max_event, seed, 16, a);
  const bool ok_b = run(input, max_event, 0, input.size() + 1, b);  // (nearly) one feed
  // Refusal depends on where chunks end (a long pending line is refused early), but the events
  // delivered before a refusal must agree with the other run's.
  const std::size_t n = std::min(a.size(), b.size());
  check(std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin()));
  if (ok_a && ok_b) check(a.size() == b.size());
  return 0;
}
