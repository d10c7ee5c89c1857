// SPDX-License-Identifier: GPL-3.0-or-later
// The real-tool check for produced diffs (GNU patch, git apply), and file helpers.
#include "support/real_tools.hpp"

#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lamp::patch::testing {

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

::testing::AssertionResult applies_with_real_tools(std::string_view original, std::string_view rel,
                                                   std::string_view diff, std::string_view edited) {
  return applies_with_real_tools({{std::string(rel), std::string(original), std::string(edited)}}, diff);
}

::testing::AssertionResult applies_with_real_tools(const std::vector<TreeFile>& files, std::string_view diff) {
  TempDir tmp;
  const auto tree = std::filesystem::path(tmp.path()) / "tree";
  const auto patch_file = std::filesystem::path(tmp.path()) / "change.diff";
  for (const TreeFile& f : files) write_file(tree / f.rel, f.original);
  write_file(patch_file, diff);
  auto describe = [&](const char* step, const ProcessResult& r) {
    return ::testing::AssertionFailure() << step << " failed (exit " << r.exit_code << "):\n"
                                         << r.output << "\n--- diff ---\n" << diff;
  };
  const std::string dir = tree.string();
  const std::string input = patch_file.string();
  const std::vector<std::string> patch_cmd = {"patch", "-p1", "-f", "--fuzz=0", "--no-backup-if-mismatch",
                                              "-d", dir, "-i", input};
  auto dry = patch_cmd;
  dry.insert(dry.begin() + 1, "--dry-run");
  if (auto r = run_process(dry); r.exit_code != 0) return describe("patch -p1 --dry-run", r);
  if (auto r = run_process({"git", "-C", dir, "apply", "--check", input}); r.exit_code != 0) {
    return describe("git apply --check", r);
  }
  const auto r = run_process(patch_cmd);
  if (r.exit_code != 0) return describe("patch -p1", r);
  if (r.output.find("offset") != std::string::npos || r.output.find("fuzz") != std::string::npos) {
    return describe("patch -p1 (needed offset/fuzz)", r);
  }
  for (const TreeFile& f : files) {
    const auto file = tree / f.rel;
    if (!std::filesystem::exists(file)) return ::testing::AssertionFailure() << "patch removed " << f.rel;
    const std::string patched = read_file(file);
    if (patched != f.edited) {
      return ::testing::AssertionFailure() << "patched " << f.rel << " differs from its edited text\n--- patched ---\n"
                                           << patched << "\n--- expected ---\n" << f.edited;
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace lamp::patch::testing
