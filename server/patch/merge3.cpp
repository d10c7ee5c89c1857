// SPDX-License-Identifier: GPL-3.0-or-later
// git_merge_file on three buffers, with RAII for its result.
#include "patch/merge3.hpp"

#include "patch/libgit2_runtime.hpp"

#include <git2.h>

namespace lamp::patch {
namespace {

git_merge_file_input input_for(std::string_view text) {
  git_merge_file_input input = GIT_MERGE_FILE_INPUT_INIT;
  input.ptr = text.data();
  input.size = text.size();
  return input;
}

struct ResultGuard {
  git_merge_file_result result{};
  ResultGuard() = default;
  ResultGuard(const ResultGuard&) = delete;
  ResultGuard& operator=(const ResultGuard&) = delete;
  ~ResultGuard() { git_merge_file_result_free(&result); }
};

}  // namespace

MergeOutcome merge_three_way(std::string_view base, std::string_view ours, std::string_view theirs) {
  ensure_libgit2();
  const git_merge_file_input ancestor_in = input_for(base);
  const git_merge_file_input ours_in = input_for(ours);
  const git_merge_file_input theirs_in = input_for(theirs);
  git_merge_file_options options = GIT_MERGE_FILE_OPTIONS_INIT;
  // git merge-file's level (XDL_MERGE_ZEALOUS_ALNUM); libgit2's default is plain ZEALOUS.
  options.flags = GIT_MERGE_FILE_SIMPLIFY_ALNUM;
  ResultGuard guard;
  if (git_merge_file(&guard.result, &ancestor_in, &ours_in, &theirs_in, &options) != 0) {
    fail_libgit2("git_merge_file");
  }
  MergeOutcome outcome;
  outcome.clean = guard.result.automergeable != 0;
  if (guard.result.ptr != nullptr) outcome.text.assign(guard.result.ptr, guard.result.len);
  return outcome;
}

}  // namespace lamp::patch
