// SPDX-License-Identifier: GPL-3.0-or-later
// run_child: output and exit status, stdin, the environment it is given and no other, the time
// limit killing the child and what it started, lamp's descriptors not inherited.
#include "proc/child_process.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using lamp::proc::ChildSpec;
using lamp::proc::run_child;

namespace {

ChildSpec shell(const std::string& script) {
  ChildSpec spec;
  spec.argv = {"sh", "-c", script};
  spec.env = {{"PATH", "/usr/bin:/bin"}};
  spec.time_limit = 5s;
  return spec;
}

}  // namespace

TEST(ChildProcess, ReturnsOutputErrorsAndExitStatus) {
  auto r = run_child(shell("echo out; echo err >&2; exit 3"));
  EXPECT_TRUE(r.started);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(ChildProcess, FeedsStdinAndEndsIt) {
  auto spec = shell("wc -c");
  spec.stdin_text = std::string(300000, 'x');  // more than a pipe holds: written while read
  auto r = run_child(spec);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(std::stoul(r.out), 300000u);
}

TEST(ChildProcess, SeesOnlyTheEnvironmentItIsGiven) {
  ::setenv("LAMP_CHILD_TEST_SECRET", "leak", 1);
  auto spec = shell("env");
  spec.env["ONLY_THIS"] = "1";
  auto r = run_child(spec);
  ::unsetenv("LAMP_CHILD_TEST_SECRET");
  EXPECT_NE(r.out.find("ONLY_THIS=1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("LAMP_CHILD_TEST_SECRET"), std::string::npos) << r.out;
}

TEST(ChildProcess, RunsInTheGivenDirectory) {
  char dir[] = "/tmp/lamp-child-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  auto spec = shell("pwd");
  spec.working_dir = dir;
  EXPECT_EQ(run_child(spec).out, std::string(dir) + "\n");
  ::rmdir(dir);
}

TEST(ChildProcess, TimeLimitKillsTheChildAndWhatItStarted) {
  char dir[] = "/tmp/lamp-child-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string pid_file = std::string(dir) + "/pid";
  // The grandchild keeps the pipes open and would outlive a child killed alone.
  auto spec = shell("sleep 30 & echo $! > " + pid_file + "; sleep 30");
  spec.time_limit = 300ms;
  const auto start = std::chrono::steady_clock::now();
  auto r = run_child(spec);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.exit_code.has_value());
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_LT(took, 3s);
  std::ifstream in(pid_file);
  pid_t grandchild = 0;
  ASSERT_TRUE(in >> grandchild);
  // Killed with its group; it may linger as a zombie of init for a moment.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
    std::string pid, name, state;
    gone = !(stat >> pid >> name >> state) || state == "Z";
    if (!gone) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone) << "the grandchild " << grandchild << " survived the time limit";
  ::unlink(pid_file.c_str());
  ::rmdir(dir);
}

TEST(ChildProcess, DoesNotInheritLampsDescriptors) {
  // A descriptor without close-on-exec, as Asio's sockets are.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_GE(::dup2(fds[0], 200), 0);
  auto r = run_child(shell("test -e /proc/self/fd/200 && echo inherited || echo closed"));
  ::close(200);
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_EQ(r.out, "closed\n");
}

TEST(ChildProcess, AMissingProgramIsNotStarted) {
  ChildSpec spec;
  spec.argv = {"lamp-no-such-program"};
  auto r = run_child(spec);
  EXPECT_FALSE(r.started);
  EXPECT_NE(r.error.find("not installed"), std::string::npos) << r.error;
}
