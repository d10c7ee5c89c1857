// SPDX-License-Identifier: GPL-3.0-or-later
// Detection of "lazy" placeholder lines ("# ... rest of the code ...", "// existing code").
#pragma once

#include <string_view>

namespace lamp::patch {

enum class Elision {
  none,
  bare,    // a line of only "..." / "…": a placeholder, or literal code (Python's Ellipsis)
  marker,  // a comment that stands for omitted code: "# ...", "// ... existing code ..."
};

Elision classify_elision(std::string_view line);

}  // namespace lamp::patch
