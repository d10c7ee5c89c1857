// SPDX-License-Identifier: GPL-3.0-or-later
// Security: only the server's own uid is served (SO_PEERCRED). Unit tests of the decision and
// real peers with another effective uid, both ways round (needs root for the latter).
#include "client/rpc_client.hpp"
#include "proto/jsonrpc.hpp"
#include "support/lamp_process.hpp"
#include "support/spawn.hpp"
#include "transport/peer_check.hpp"

#include <gtest/gtest.h>
#include <sys/fsuid.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace lamp;
using namespace std::chrono_literals;
using harness::LampServer;
using harness::TempDir;
using proto::json;
using transport::PeerCredentials;

namespace {

constexpr uid_t kNobody = 65534;
const std::string kPing = R"({"jsonrpc":"2.0","id":1,"method":"ping"})" "\n";

// Checks that `received` is exactly the one refusal line for `peer_uid` by a server of `server_uid`.
void expect_refusal(const std::string& received, uid_t peer_uid, uid_t server_uid) {
  ASSERT_FALSE(received.empty()) << "the refused peer received nothing";
  EXPECT_EQ(received.find('\n'), received.size() - 1) << received;  // one line, nothing after
  const json reply = json::parse(received, nullptr, false);
  ASSERT_TRUE(reply.is_object()) << received;
  EXPECT_EQ(reply["jsonrpc"], "2.0");
  EXPECT_TRUE(reply.contains("id") && reply["id"].is_null()) << received;
  EXPECT_FALSE(reply.contains("result")) << received;
  EXPECT_EQ(reply["error"]["code"], transport::kPeerRefusedCode);
  EXPECT_EQ(reply["error"]["message"], "connection refused: peer uid " + std::to_string(peer_uid) +
                                           " is not the server's uid " + std::to_string(server_uid));
  EXPECT_EQ(reply["error"]["data"]["peer_uid"], peer_uid);
  EXPECT_EQ(reply["error"]["data"]["server_uid"], server_uid);
}

}  // namespace

TEST(PeerCheck, SameUidIsServed) {
  EXPECT_FALSE(transport::peer_refusal(PeerCredentials{42, 1000, 1000}, 1000));
  EXPECT_FALSE(transport::peer_refusal(PeerCredentials{42, 0, 0}, 0));
}

TEST(PeerCheck, OtherUidIsRefusedNamingBothUids) {
  const auto reason = transport::peer_refusal(PeerCredentials{42, 1001, 1000}, 1000);
  ASSERT_TRUE(reason);
  EXPECT_EQ(*reason, "connection refused: peer uid 1001 is not the server's uid 1000");
}

TEST(PeerCheck, RootIsNotExempt) {
  const auto reason = transport::peer_refusal(PeerCredentials{42, 0, 0}, 1000);
  ASSERT_TRUE(reason);
  EXPECT_EQ(*reason, "connection refused: peer uid 0 is not the server's uid 1000");
}

TEST(PeerCheck, UnknownCredentialsAreRefused) {
  EXPECT_TRUE(transport::peer_refusal(std::nullopt, 1000));
}

TEST(PeerCheck, RefusalIsOneJsonRpcErrorLine) {
  const PeerCredentials peer{42, 1001, 1000};
  const auto line = transport::refusal_line(peer, 1000, *transport::peer_refusal(peer, 1000));
  expect_refusal(line, 1001, 1000);
}

TEST(PeerCheck, CredentialsOfASocketPairAreOurs) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  const auto cred = transport::peer_credentials(fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_TRUE(cred);
  EXPECT_EQ(cred->uid, ::geteuid());
  EXPECT_EQ(cred->pid, ::getpid());
}

// A client whose effective uid differs gets the refusal and nothing else, even though it can
// reach the socket; a client with our uid is still served, and the server logs uid and pid.
TEST(Security, PeerWithAnotherUidIsRefusedAndOursIsServed) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to connect with another effective uid";
  TempDir dir;
  LampServer server(dir.file("lamp.sock"));

  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    // SO_PEERCRED records the effective uid at connect(); path permissions use the fsuid, so
    // fsuid 0 keeps the 0700 directory and the 0600 socket reachable.
    if (::setresuid(kNobody, kNobody, 0) != 0) ::_exit(90);
    ::setfsuid(0);
    if (::setfsuid(static_cast<uid_t>(-1)) != 0 || ::geteuid() != kNobody) ::_exit(91);
    int connect_errno = 0;
    const auto got = harness::exchange(server.socket(), kPing, 5s, &connect_errno);
    if (!got) ::_exit(92);
    [[maybe_unused]] const auto n = ::write(pipe_fds[1], got->data(), got->size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string received;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) received.append(buf, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 90 || WEXITSTATUS(status) == 91) {
    GTEST_SKIP() << "cannot switch the effective uid to " << kNobody << " here";
  }
  ASSERT_EQ(WEXITSTATUS(status), 0) << "the other-uid client could not connect";

  expect_refusal(received, kNobody, 0);
  client::RpcClient ours(server.socket());
  EXPECT_EQ(ours.call("ping"), "pong");
  EXPECT_TRUE(server.running());
  const auto log = server.stderr_text();
  EXPECT_NE(log.find("refused a connection from uid 65534 (pid " + std::to_string(child) + ")"),
            std::string::npos)
      << log;
}

// Root is not exempt: a server run by another user refuses a root client the same way.
TEST(Security, RootPeerIsRefusedByAnotherUsersServer) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run lamp as another uid";
  TempDir dir;
  const auto sock_dir = harness::private_dir_for(dir.path(), "nobody", kNobody);
  harness::SpawnOptions options;
  options.argv = {LAMP_BINARY, "serve", "--socket", sock_dir + "/lamp.sock"};
  options.uid = kNobody;
  harness::Spawned lamp(options);
  ASSERT_TRUE(harness::wait_for_socket(sock_dir + "/lamp.sock", 10s)) << "lamp did not start as uid 65534";
  const auto got = harness::exchange(sock_dir + "/lamp.sock", kPing, 5s);
  ASSERT_TRUE(got);
  expect_refusal(*got, 0, kNobody);
}
