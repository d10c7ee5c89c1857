// SPDX-License-Identifier: GPL-3.0-or-later
// libgit2 wants one init before use and a matching shutdown; a function-local static gives
// thread-safe once-only initialisation without global mutable state of our own.
#include "patch/libgit2_runtime.hpp"

#include "patch/errors.hpp"

#include <git2.h>

#include <string>

namespace lamp::patch {
namespace {

class Libgit2Runtime {
 public:
  Libgit2Runtime() { git_libgit2_init(); }
  ~Libgit2Runtime() { git_libgit2_shutdown(); }
  Libgit2Runtime(const Libgit2Runtime&) = delete;
  Libgit2Runtime& operator=(const Libgit2Runtime&) = delete;
};

}  // namespace

void ensure_libgit2() { static const Libgit2Runtime runtime; }

void fail_libgit2(const char* what) {
  const git_error* error = git_error_last();
  throw EngineFailure(std::string(what) + ": " + (error && error->message ? error->message : "unknown libgit2 error"));
}

}  // namespace lamp::patch
