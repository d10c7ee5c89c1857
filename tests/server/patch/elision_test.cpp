// SPDX-License-Identifier: GPL-3.0-or-later
// Placeholder ("lazy") line classification.
#include "patch/elision.hpp"

#include <gtest/gtest.h>

using lamp::patch::classify_elision;
using lamp::patch::Elision;

TEST(Elision, Markers) {
  for (const char* line : {"# ... rest of the code ...", "    // existing code", "// ... existing code ...",
                           "/* ... */", "# ...", "<!-- ... -->", "-- ... unchanged", ";; ... rest of function",
                           "    # rest of the file unchanged", "// … other methods …", "... rest of the code ...",
                           "# (... omitted for brevity ...)", "    # ... keep the existing implementation",
                           "// [...]", "  * ... "}) {
    EXPECT_EQ(classify_elision(line), Elision::marker) << line;
  }
}

TEST(Elision, BareEllipsis) {
  for (const char* line : {"...", "    ...", "…", "[...]", ". . ."}) {
    EXPECT_EQ(classify_elision(line), Elision::bare) << line;
  }
}

TEST(Elision, OrdinaryLines) {
  for (const char* line : {"", "x = 1", "# Loading...", "print('...')", "def f(*args): ...", "# TODO: handle errors",
                           "// the rest of the request is parsed below", "return ...;", "# existing users keep access",
                           "args = [...args, x]"}) {
    EXPECT_EQ(classify_elision(line), Elision::none) << line;
  }
}
