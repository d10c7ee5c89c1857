// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: the check that a diff applies with the real GNU patch and git apply, and files.
#pragma once

#include "common/run_process.hpp"
#include "common/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::patch::testing {

using TempDir = test_support::TempDir;
using test_support::ProcessResult;
using test_support::run_process;

void write_file(const std::filesystem::path& path, std::string_view bytes);
std::string read_file(const std::filesystem::path& path);

// Saves `original` as <tmp>/tree/REL, then: `patch -p1 --dry-run`, `git apply --check`, and
// a real `patch -p1`; the patched file must equal `edited` byte for byte and patch must not
// have needed an offset or fuzz.
::testing::AssertionResult applies_with_real_tools(std::string_view original, std::string_view rel,
                                                   std::string_view diff, std::string_view edited);

// One file of a project a diff changes: its path, its text before and after.
struct TreeFile {
  std::string rel;
  std::string original;
  std::string edited;
};
// The same for a diff of several files, applied from the project root: every file must end
// up as its `edited` text.
::testing::AssertionResult applies_with_real_tools(const std::vector<TreeFile>& files, std::string_view diff);

}  // namespace lamp::patch::testing
