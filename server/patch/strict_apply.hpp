// SPDX-License-Identifier: GPL-3.0-or-later
// A deliberately strict unified-diff applier used to verify every diff we emit: positions
// come from the @@ headers and every context/removed line must match byte for byte.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace lamp::patch {

struct PatchMismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Applies a single-file diff (as unified_diff writes it; "" means no change) to `original`. Throws PatchMismatch
// naming the first problem (bad header, wrong count, context mismatch, overlap).
std::string apply_unified_diff(std::string_view original, std::string_view diff);

}  // namespace lamp::patch
