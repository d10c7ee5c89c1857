// SPDX-License-Identifier: GPL-3.0-or-later
// Security: symbolic-link and ownership tricks on the socket path (an attacker on a shared
// machine pre-creating or re-pointing /tmp/lamp-UID). lamp refuses with a clear message,
// exits non-zero, and never follows a link into binding, replacing or unlinking a file.
#include "client/rpc_client.hpp"
#include "support/lamp_process.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

using namespace lamp;
using namespace std::chrono_literals;
using harness::LampServer;
using harness::TempDir;
using harness::make_dead_socket;
namespace fs = std::filesystem;

namespace {

constexpr uid_t kOther = 65534;

// Starts lamp on `socket`, expects it to refuse: non-zero exit, no socket; returns its stderr.
std::string refusal(const std::string& socket) {
  LampServer server(socket, {{}, {}, true, false});
  const auto code = server.wait_exit(10s);
  EXPECT_TRUE(code && *code != 0) << "lamp started on " << socket;
  return server.stderr_text();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void make_dir(const std::string& path, mode_t mode, uid_t owner) {
  ASSERT_EQ(::mkdir(path.c_str(), 0700), 0) << path;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);  // chmod: not subject to the umask
  ASSERT_EQ(::chown(path.c_str(), owner, owner), 0);
}


bool is_symlink(const std::string& path) { return fs::is_symlink(fs::symlink_status(path)); }

#define SKIP_UNLESS_ROOT() \
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create files owned by another uid"

}  // namespace

TEST(SocketPath, SymlinkToALiveSocketIsRefusedAndLeftAlone) {
  TempDir dir;
  LampServer live(dir.file("live.sock"));
  fs::create_symlink(dir.file("live.sock"), dir.file("lamp.sock"));
  const auto err = refusal(dir.file("lamp.sock"));
  EXPECT_TRUE(has(err, "Refusing socket path " + dir.file("lamp.sock") + ": it is a symbolic link")) << err;
  EXPECT_TRUE(is_symlink(dir.file("lamp.sock")));
  client::RpcClient c(dir.file("live.sock"));
  EXPECT_EQ(c.call("ping"), "pong");
}

TEST(SocketPath, SymlinkToADeadSocketIsNotFollowedIntoUnlinkingIt) {
  TempDir dir;
  make_dead_socket(dir.file("theirs.sock"));
  fs::create_symlink(dir.file("theirs.sock"), dir.file("lamp.sock"));
  const auto err = refusal(dir.file("lamp.sock"));
  EXPECT_TRUE(has(err, "it is a symbolic link")) << err;
  EXPECT_TRUE(is_symlink(dir.file("lamp.sock")));
  EXPECT_TRUE(fs::is_socket(fs::symlink_status(dir.file("theirs.sock")))) << "the target was unlinked";
}

TEST(SocketPath, SymlinkToAFileIsRefusedAndTheFileKept) {
  TempDir dir;
  std::ofstream(dir.file("precious")) << "precious";
  fs::create_symlink(dir.file("precious"), dir.file("lamp.sock"));
  const auto err = refusal(dir.file("lamp.sock"));
  EXPECT_TRUE(has(err, "it is a symbolic link")) << err;
  EXPECT_EQ(harness::read_file(dir.file("precious")), "precious");
  EXPECT_TRUE(is_symlink(dir.file("lamp.sock")));
}

TEST(SocketPath, DanglingSymlinkIsRefusedAndNothingIsCreatedAtItsTarget) {
  TempDir dir;
  fs::create_symlink(dir.file("nowhere"), dir.file("lamp.sock"));
  const auto err = refusal(dir.file("lamp.sock"));
  EXPECT_TRUE(has(err, "it is a symbolic link")) << err;
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir.file("nowhere"))));
  EXPECT_TRUE(is_symlink(dir.file("lamp.sock")));
}

// The /tmp/lamp-UID attack: in a sticky, world-writable directory someone else pre-creates
// the socket directory, or a symlink by that name to a directory of theirs (or of ours).
TEST(SocketPath, SocketDirPreparedBySomeoneElseIsRefused) {
  SKIP_UNLESS_ROOT();
  TempDir dir;
  const auto tmp = dir.file("tmp");
  make_dir(tmp, 01777, 0);

  make_dir(tmp + "/lamp-a", 0700, kOther);  // a real directory, theirs
  auto err = refusal(tmp + "/lamp-a/lamp.sock");
  EXPECT_TRUE(has(err, "Refusing socket directory " + tmp + "/lamp-a: owned by uid 65534")) << err;

  make_dir(tmp + "/theirs", 0700, kOther);  // a symlink (theirs) to a directory of theirs
  fs::create_directory_symlink(tmp + "/theirs", tmp + "/lamp-b");
  ASSERT_EQ(::lchown((tmp + "/lamp-b").c_str(), kOther, kOther), 0);
  err = refusal(tmp + "/lamp-b/lamp.sock");
  EXPECT_TRUE(has(err, "Refusing socket directory " + tmp + "/lamp-b: it is a symbolic link")) << err;
  EXPECT_TRUE(fs::is_empty(tmp + "/theirs"));

  make_dir(tmp + "/ours", 0700, ::geteuid());  // a symlink (theirs) to a private directory of ours
  fs::create_directory_symlink(tmp + "/ours", tmp + "/lamp-c");
  ASSERT_EQ(::lchown((tmp + "/lamp-c").c_str(), kOther, kOther), 0);
  err = refusal(tmp + "/lamp-c/lamp.sock");
  EXPECT_TRUE(has(err, "it is a symbolic link")) << err;
  EXPECT_TRUE(fs::is_empty(tmp + "/ours"));
}

TEST(SocketPath, ParentOwnedByAnotherUserIsRefused) {
  SKIP_UNLESS_ROOT();
  TempDir dir;
  make_dir(dir.file("theirs"), 0755, kOther);
  make_dir(dir.file("theirs/lamp"), 0700, ::geteuid());  // ours, but they can swap it out
  const auto err = refusal(dir.file("theirs/lamp/lamp.sock"));
  EXPECT_TRUE(has(err, "its parent directory " + dir.file("theirs") + " is owned by uid 65534")) << err;
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir.file("theirs/lamp/lamp.sock"))));
}

TEST(SocketPath, WritableParentWithoutStickyBitIsRefused) {
  TempDir dir;
  make_dir(dir.file("open"), 0777, ::geteuid());
  make_dir(dir.file("open/lamp"), 0700, ::geteuid());
  auto err = refusal(dir.file("open/lamp/lamp.sock"));
  EXPECT_TRUE(has(err, "its parent directory " + dir.file("open") +
                           " is writable by group or others without the sticky bit")) << err;
  // Also when the socket directory does not exist yet: nothing is created in there.
  err = refusal(dir.file("open/new/lamp/lamp.sock"));
  EXPECT_TRUE(has(err, "without the sticky bit")) << err;
  EXPECT_FALSE(fs::exists(dir.file("open/new")));
  make_dir(dir.file("group"), 0770, ::geteuid());
  err = refusal(dir.file("group/lamp/lamp.sock"));
  EXPECT_TRUE(has(err, "without the sticky bit")) << err;
}

TEST(SocketPath, StickyWorldWritableParentIsAcceptedAsTmpIs) {
  TempDir dir;
  make_dir(dir.file("shared"), 01777, ::geteuid());
  LampServer server(dir.file("shared/lamp/lamp.sock"));
  EXPECT_EQ(harness::mode_of(dir.file("shared/lamp")), 0700);
  EXPECT_EQ(harness::mode_of(dir.file("shared/lamp/lamp.sock")), 0600);
}

TEST(SocketPath, MissingParentsAreCreatedPrivate) {
  TempDir dir;
  LampServer server(dir.file("a/b/lamp/lamp.sock"));
  EXPECT_EQ(harness::mode_of(dir.file("a")), 0700);
  EXPECT_EQ(harness::mode_of(dir.file("a/b")), 0700);
  EXPECT_EQ(harness::mode_of(dir.file("a/b/lamp")), 0700);
}

// A symlink among the ancestors is followed when it is ours (or root's), and the directories
// it leads through are checked; one owned by someone else is refused (they can re-point it).
TEST(SocketPath, SymlinkedAncestorsAreCheckedWhereTheyLead) {
  TempDir dir;
  make_dir(dir.file("real"), 0700, ::geteuid());
  fs::create_directory_symlink(dir.file("real"), dir.file("link"));
  {
    LampServer server(dir.file("link/lamp/lamp.sock"));
    EXPECT_EQ(harness::mode_of(dir.file("real/lamp/lamp.sock")), 0600);
  }
  make_dir(dir.file("open"), 0777, ::geteuid());
  fs::create_directory_symlink(dir.file("open"), dir.file("to-open"));
  auto err = refusal(dir.file("to-open/lamp/lamp.sock"));
  EXPECT_TRUE(has(err, "its parent directory " + dir.file("open") + " is writable")) << err;

  if (::geteuid() != 0) return;  // the rest needs a symlink owned by another uid
  fs::create_directory_symlink(dir.file("real"), dir.file("their-link"));
  ASSERT_EQ(::lchown(dir.file("their-link").c_str(), kOther, kOther), 0);
  err = refusal(dir.file("their-link/lamp2/lamp.sock"));
  EXPECT_TRUE(has(err, dir.file("their-link") + " is a symbolic link owned by uid 65534")) << err;
  EXPECT_FALSE(fs::exists(dir.file("real/lamp2")));
}
