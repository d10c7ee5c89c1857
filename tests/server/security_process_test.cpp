// SPDX-License-Identifier: GPL-3.0-or-later
// Security: the API key stays out of /proc/PID/{environ,cmdline} and out of core dumps, and
// lamp serve is non-dumpable (no same-user ptrace or /proc access to its memory).
#include "app/config.hpp"
#include "support/lamp_process.hpp"
#include "support/spawn.hpp"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

using namespace lamp;
using namespace std::chrono_literals;
using harness::LampServer;
using harness::TempDir;

namespace {

constexpr uid_t kNobody = 65534;
// Distinctive, and long enough that std::string keeps it on the heap (which core files hold).
const std::string kKey = "sk-proc-7c1e0b52-NEVER-IN-PROC-OR-CORE";

// Regular files in `dir`, with their contents.
std::map<std::string, std::string> files_in(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file()) out[e.path().filename().string()] = harness::read_file(e.path().string());
  }
  return out;
}

// Kills lamp (started in `cwd` with core dumps allowed) with SIGSEGV; returns the files it left.
std::map<std::string, std::string> crash_lamp(const std::string& cwd, const std::string& sock_dir,
                                              std::vector<std::string> extra_args) {
  std::vector<std::string> argv = {LAMP_BINARY, "serve", "--socket", sock_dir + "/lamp.sock"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  harness::SpawnOptions options;
  options.argv = std::move(argv);
  options.env = {{"OPENAI_API_KEY", kKey}};
  options.cwd = cwd;
  options.unlimited_core = true;
  harness::Spawned lamp(options);
  if (!harness::wait_for_socket(sock_dir + "/lamp.sock", 10s)) return {{"<lamp did not start>", ""}};
  lamp.signal(SIGSEGV);
  const auto status = lamp.wait(30s);  // writing a core takes a moment
  if (!status || !WIFSIGNALED(*status)) return {{"<lamp did not die of SIGSEGV>", ""}};
  return files_in(cwd);
}

}  // namespace

// What /proc/PID/environ shows is the block the process started with: the value must be wiped
// there, in every entry of that name, and the variable gone for getenv and children.
TEST(ScrubEnvironment, WipesEveryValueInPlaceAndUnsets) {
  std::string a = "LAMP_SCRUB_OTHER=keep", b = "LAMP_SCRUB_SECRET=s3cret-1", c = "LAMP_SCRUB_SECRET=s3cret-2",
              d = "LAMP_SCRUB_SECRET_NOT=stay";
  std::vector<char*> block = {a.data(), b.data(), c.data(), d.data(), nullptr};
  char** const saved = environ;
  environ = block.data();
  app::scrub_environment_variable("LAMP_SCRUB_SECRET");
  const char* other = std::getenv("LAMP_SCRUB_OTHER");
  const char* secret = std::getenv("LAMP_SCRUB_SECRET");
  const char* similar = std::getenv("LAMP_SCRUB_SECRET_NOT");
  environ = saved;
  EXPECT_EQ(secret, nullptr);
  EXPECT_STREQ(other, "keep");
  EXPECT_STREQ(similar, "stay");
  EXPECT_EQ(b, std::string("LAMP_SCRUB_SECRET=") + std::string(8, '\0'));
  EXPECT_EQ(c, std::string("LAMP_SCRUB_SECRET=") + std::string(8, '\0'));
}

TEST(Security, KeyIsNotInEnvironOrCmdline) {
  TempDir dir;
  LampServer server(dir.file("lamp.sock"), {{}, {{"OPENAI_API_KEY", kKey}, {"LAMP_PROC_MARKER", "visible-1234"}}, true, true});
  const auto proc = "/proc/" + std::to_string(server.pid());
  const auto environ_text = harness::read_file(proc + "/environ");
  const auto cmdline = harness::read_file(proc + "/cmdline");
  // Control: the environment is readable here and still holds the other variables.
  ASSERT_NE(environ_text.find("LAMP_PROC_MARKER=visible-1234"), std::string::npos);
  ASSERT_NE(cmdline.find("serve"), std::string::npos);
  EXPECT_EQ(environ_text.find(kKey), std::string::npos) << "the key is in /proc/PID/environ";
  EXPECT_EQ(cmdline.find(kKey), std::string::npos) << "the key is in /proc/PID/cmdline";
  EXPECT_EQ(server.stderr_text().find(kKey), std::string::npos);
}

// Whether a process running as `uid` can read `path` (forks; the child drops root first).
bool readable_as(uid_t uid, const std::string& path) {
  const pid_t child = ::fork();
  if (child == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(uid, uid, uid) != 0 || ::setresuid(uid, uid, uid) != 0) ::_exit(2);
    char byte = 0;
    const int fd = ::open(path.c_str(), O_RDONLY);
    ::_exit(fd >= 0 && ::read(fd, &byte, 1) >= 0 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 2) throw std::runtime_error("cannot switch to the uid");
  return WEXITSTATUS(status) == 0;
}

// A non-dumpable process's /proc/PID entries belong to root whatever uid it runs as, and a
// process of that same uid cannot read its environment or memory; --dumpable is the control.
TEST(Security, ServerIsNotDumpable) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run lamp as another uid";
  TempDir dir;
  const auto locked = harness::private_dir_for(dir.path(), "locked", kNobody);
  harness::SpawnOptions options;
  options.argv = {LAMP_BINARY, "serve", "--socket", locked + "/lamp.sock"};
  options.env = {{"OPENAI_API_KEY", kKey}};
  options.uid = kNobody;
  harness::Spawned lamp(options);
  ASSERT_TRUE(harness::wait_for_socket(locked + "/lamp.sock", 10s)) << "lamp did not start as uid 65534";
  const auto proc = "/proc/" + std::to_string(lamp.pid());
  const auto status = harness::read_file(proc + "/status");
  ASSERT_NE(status.find("Uid:\t65534\t65534"), std::string::npos) << status;
  EXPECT_EQ(harness::owner_of(proc + "/environ"), 0) << "lamp serve is dumpable";
  EXPECT_FALSE(readable_as(kNobody, proc + "/environ")) << "a same-uid process reads lamp's environ";
  EXPECT_FALSE(readable_as(kNobody, proc + "/mem")) << "a same-uid process opens lamp's memory";

  const auto open_dir = harness::private_dir_for(dir.path(), "open", kNobody);
  options.argv = {LAMP_BINARY, "serve", "--dumpable", "--socket", open_dir + "/lamp.sock"};
  harness::Spawned control(options);
  ASSERT_TRUE(harness::wait_for_socket(open_dir + "/lamp.sock", 10s));
  const auto control_proc = "/proc/" + std::to_string(control.pid());
  EXPECT_EQ(harness::owner_of(control_proc + "/environ"), static_cast<long>(kNobody));
  EXPECT_TRUE(readable_as(kNobody, control_proc + "/environ"));
}

// Killed by a signal that dumps core, lamp leaves no core file. The control, lamp --dumpable in
// the same setting, must leave one that holds the key, or the test cannot tell and is skipped.
TEST(Security, CoreDumpCannotHoldTheKey) {
  const auto pattern = harness::read_file("/proc/sys/kernel/core_pattern");
  if (pattern.empty() || pattern[0] == '|') {
    GTEST_SKIP() << "core_pattern pipes cores to a helper (" << pattern << "); nothing to inspect here";
  }
  if (pattern.find('/') != std::string::npos) {
    GTEST_SKIP() << "core_pattern writes cores elsewhere (" << pattern << "); only relative patterns are checked";
  }
  TempDir control_dir;
  const auto control = crash_lamp(control_dir.path(), control_dir.path(), {"--dumpable"});
  const bool control_core_has_key = std::any_of(control.begin(), control.end(), [](const auto& file) {
    return file.second.find(kKey) != std::string::npos;
  });
  if (!control_core_has_key) {
    GTEST_SKIP() << "a dumpable lamp left no core holding the key here (core_pattern " << pattern
                 << ", " << control.size() << " file(s)); cannot check";
  }

  TempDir dir;
  const auto files = crash_lamp(dir.path(), dir.path(), {});
  // No file at all; and should one appear, it must not hold the key either.
  for (const auto& [name, text] : files) {
    ADD_FAILURE() << "lamp left a file: " << name;
    EXPECT_EQ(text.find(kKey), std::string::npos) << name << " holds the key";
  }
}
