// SPDX-License-Identifier: GPL-3.0-or-later
// RetryPolicy: which upstream failures are retried and how long to wait: exponential backoff
// from 0.5 s doubling, capped at 8 s, full jitter; Retry-After (seconds or HTTP-date) wins.
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

namespace lamp::upstream {

struct RetryPolicy {
  int max_retries = 4;
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{8000};

  static bool retryable_status(long status) {
    return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
  }
  // Delay before retry number `retry` (1 for the first retry), uniformly in [0, min(cap, base·2^(retry-1))].
  std::chrono::milliseconds backoff(int retry, std::mt19937_64& rng) const;
};

// Parses a Retry-After value: delta-seconds or an HTTP-date relative to `now`.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace lamp::upstream
