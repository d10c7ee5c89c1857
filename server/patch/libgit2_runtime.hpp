// SPDX-License-Identifier: GPL-3.0-or-later
// libgit2's one-time initialisation, shared by every part of the patch engine that calls it.
#pragma once

namespace lamp::patch {

// Initialises libgit2 on first use (thread-safe) and shuts it down at exit.
void ensure_libgit2();

// Throws EngineFailure naming `what` and libgit2's last error.
[[noreturn]] void fail_libgit2(const char* what);

}  // namespace lamp::patch
