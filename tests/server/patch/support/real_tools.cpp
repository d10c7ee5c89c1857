// SPDX-License-Identifier: GPL-3.0-or-later
// posix_spawn-based process runner and the real-tool check for produced diffs.
#include "support/real_tools.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace lamp::patch::testing {

ProcessResult run_process(const std::vector<std::string>& argv) {
  std::array<int, 2> pipe_fds{};
  if (pipe2(pipe_fds.data(), O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  ProcessResult result;
  if (rc != 0) {
    close(pipe_fds[0]);
    result.output = "cannot run " + argv[0];
    return result;
  }
  std::array<char, 4096> buf{};
  for (ssize_t n; (n = read(pipe_fds[0], buf.data(), buf.size())) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    result.output.append(buf.data(), static_cast<std::size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

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
  TempDir tmp;
  const auto tree = std::filesystem::path(tmp.path()) / "tree";
  const auto file = tree / std::string(rel);
  const auto patch_file = std::filesystem::path(tmp.path()) / "change.diff";
  write_file(file, original);
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
  if (!std::filesystem::exists(file)) return ::testing::AssertionFailure() << "patch removed " << rel;
  const std::string patched = read_file(file);
  if (patched != edited) {
    return ::testing::AssertionFailure() << "patched file differs from edited_text\n--- patched ---\n"
                                         << patched << "\n--- expected ---\n" << edited;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace lamp::patch::testing
