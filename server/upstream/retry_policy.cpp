// SPDX-License-Identifier: GPL-3.0-or-later
// RetryPolicy implementation and Retry-After parsing (RFC 9110 section 10.2.3).
#include "upstream/retry_policy.hpp"

#include <charconv>
#include <ctime>
#include <string>

namespace lamp::upstream {

std::chrono::milliseconds RetryPolicy::backoff(int retry, std::mt19937_64& rng) const {
  auto ceiling = base;
  for (int i = 1; i < retry && ceiling < cap; ++i) ceiling *= 2;
  if (ceiling > cap) ceiling = cap;
  std::uniform_int_distribution<long long> pick(0, ceiling.count());
  return std::chrono::milliseconds(pick(rng));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  double seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc{} && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  }
  // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  std::tm tm{};
  const std::string text(value);
  const char* parsed = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (parsed == nullptr || *parsed != '\0') return std::nullopt;
  const auto when = std::chrono::system_clock::from_time_t(::timegm(&tm));
  const auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
  return delta.count() > 0 ? delta : std::chrono::milliseconds(0);
}

}  // namespace lamp::upstream
