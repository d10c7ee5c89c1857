// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: child processes, and the check that a diff applies
// with the real GNU patch and git apply.
#pragma once

#include "common/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::patch::testing {

using TempDir = test_support::TempDir;

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

// Runs argv[0] (looked up in PATH) with stdin from /dev/null, capturing its output.
ProcessResult run_process(const std::vector<std::string>& argv);

void write_file(const std::filesystem::path& path, std::string_view bytes);
std::string read_file(const std::filesystem::path& path);

// Saves `original` as <tmp>/tree/REL, then: `patch -p1 --dry-run`, `git apply --check`, and
// a real `patch -p1`; the patched file must equal `edited` byte for byte and patch must not
// have needed an offset or fuzz.
::testing::AssertionResult applies_with_real_tools(std::string_view original, std::string_view rel,
                                                   std::string_view diff, std::string_view edited);

}  // namespace lamp::patch::testing
