// SPDX-License-Identifier: GPL-3.0-or-later
// Longest-common-subsequence alignment of two line sequences (by precomputed keys), used to
// carry unchanged lines over verbatim and to find what a placeholder line stands for.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace lamp::patch {

inline constexpr std::ptrdiff_t kUnaligned = -1;

// For each element of `b`, the index of the element of `a` it is aligned with, or kUnaligned.
// Common prefix and suffix are matched first; the middle uses a dynamic programme, so nullopt
// is returned when the middle would need more than `max_cells` cells.
std::optional<std::vector<std::ptrdiff_t>> align_lines(const std::vector<std::string>& a,
                                                       const std::vector<std::string>& b,
                                                       std::size_t max_cells = 4'000'000);

}  // namespace lamp::patch
