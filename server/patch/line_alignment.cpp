// SPDX-License-Identifier: GPL-3.0-or-later
// LCS line alignment: prefix/suffix trimming plus a bounded O(n*m) dynamic programme.
#include "patch/line_alignment.hpp"

#include <algorithm>
#include <cstdint>

namespace lamp::patch {

std::optional<std::vector<std::ptrdiff_t>> align_lines(const std::vector<std::string>& a,
                                                       const std::vector<std::string>& b,
                                                       std::size_t max_cells) {
  std::vector<std::ptrdiff_t> map(b.size(), kUnaligned);
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    map[prefix] = static_cast<std::ptrdiff_t>(prefix);
    ++prefix;
  }
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    map[b.size() - 1 - suffix] = static_cast<std::ptrdiff_t>(a.size() - 1 - suffix);
    ++suffix;
  }
  const std::size_t n = a.size() - prefix - suffix;
  const std::size_t m = b.size() - prefix - suffix;
  if (n == 0 || m == 0) return map;
  if ((n + 1) * (m + 1) > max_cells) return std::nullopt;

  // lcs[i][j] = LCS length of a[prefix+i..] and b[prefix+j..]; the bound on cells keeps the
  // shorter side under 2^16, so 32-bit cells are ample.
  const std::size_t width = m + 1;
  std::vector<std::uint32_t> lcs((n + 1) * width, 0);
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i * width + j] = a[prefix + i] == b[prefix + j]
                               ? lcs[(i + 1) * width + j + 1] + 1
                               : std::max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  for (std::size_t i = 0, j = 0; i < n && j < m;) {
    if (a[prefix + i] == b[prefix + j]) {
      map[prefix + j] = static_cast<std::ptrdiff_t>(prefix + i);
      ++i;
      ++j;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
      ++i;
    } else {
      ++j;
    }
  }
  return map;
}

}  // namespace lamp::patch
