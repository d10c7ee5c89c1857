// SPDX-License-Identifier: GPL-3.0-or-later
// What the patch engine reports when it cannot go on, free of JSON-RPC: the request itself is
// wrong (the caller's fault), or the engine failed (a bug). Callers translate them at their edge.
#pragma once

#include <stdexcept>

namespace lamp::patch {

// The request cannot be served as given (bad UTF-8, a selection outside the buffer, a missing
// field); what() names the problem for the user.
struct InvalidRequest : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The engine broke its own promise (a diff it made does not verify, libgit2 failed).
struct EngineFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace lamp::patch
