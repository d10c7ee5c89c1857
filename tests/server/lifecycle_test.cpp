// SPDX-License-Identifier: GPL-3.0-or-later
// Integration: socket path rules, start-up refusals, signals and the CLI, with the real binary.
#include "client/rpc_client.hpp"
#include "support/lamp_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

using namespace lamp;
using namespace std::chrono_literals;
using client::RpcClient;
using harness::LampServer;
using harness::TempDir;
using harness::make_dead_socket;

namespace {

LampServer::Options no_wait() { return {{}, {}, true, false}; }

}  // namespace

TEST(Lifecycle, CreatesAPrivateDirectoryAndSocket) {
  TempDir dir;
  const auto sock = dir.file("run/lamp/lamp.sock");
  LampServer server(sock);
  EXPECT_EQ(harness::mode_of(dir.file("run/lamp")), 0700);
  EXPECT_EQ(harness::mode_of(sock), 0600);
}

TEST(Lifecycle, SocketPathFromEnvironment) {
  TempDir dir;
  // No --socket: $LAMP_UDS, then $XDG_RUNTIME_DIR/lamp/lamp.sock.
  auto r = harness::run_lamp({"ping"}, {{"LAMP_UDS", dir.file("nothing.sock")}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir.file("nothing.sock")), std::string::npos) << r.err;
  r = harness::run_lamp({"ping"}, {{"XDG_RUNTIME_DIR", dir.path()}});
  EXPECT_NE(r.err.find(dir.file("lamp/lamp.sock")), std::string::npos) << r.err;
}

TEST(Lifecycle, RefusesAnUnsafeParentDirectory) {
  TempDir dir;
  const auto open_dir = dir.file("open");
  std::filesystem::create_directory(open_dir);
  ::chmod(open_dir.c_str(), 0777);
  LampServer server(open_dir + "/lamp.sock", no_wait());
  auto code = server.wait_exit(5s);
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
  EXPECT_NE(server.stderr_text().find("writable by group or others"), std::string::npos);

  const auto link = dir.file("link");
  std::filesystem::create_directory_symlink(dir.path(), link);
  LampServer via_link(link + "/lamp.sock", no_wait());
  ASSERT_TRUE(via_link.wait_exit(5s));
  EXPECT_NE(via_link.stderr_text().find("symbolic link"), std::string::npos);
}

TEST(Lifecycle, RefusesToReplaceANonSocketPath) {
  TempDir dir;
  const auto path = dir.file("lamp.sock");
  std::ofstream(path) << "precious";
  LampServer server(path, no_wait());
  auto code = server.wait_exit(5s);
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
  EXPECT_NE(server.stderr_text().find("Refusing to replace non-socket path at " + path),
            std::string::npos);
  EXPECT_EQ(harness::read_file(path), "precious");
}

TEST(Lifecycle, ReplacesADeadSocket) {
  TempDir dir;
  const auto path = dir.file("lamp.sock");
  make_dead_socket(path);
  LampServer server(path);
  RpcClient c(path);
  EXPECT_EQ(c.call("ping"), "pong");
}

TEST(Lifecycle, SecondServerIsRefusedAndTheFirstKeepsServing) {
  TempDir dir;
  const auto path = dir.file("lamp.sock");
  LampServer first(path);
  LampServer second(path, no_wait());
  auto code = second.wait_exit(5s);
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
  EXPECT_NE(second.stderr_text().find("lamp is already running at " + path), std::string::npos);
  RpcClient c(path);
  EXPECT_EQ(c.call("ping"), "pong");
}

TEST(Lifecycle, SigtermFinishesInFlightRequestsAndRemovesTheSocket) {
  TempDir dir;
  LampServer server(dir.file("lamp.sock"));
  RpcClient c(server.socket());
  c.send_raw(R"({"jsonrpc":"2.0","id":1,"method":"test.sleep","params":{"ms":400}})" "\n");
  EXPECT_EQ(c.call("ping"), "pong");  // the sleep is surely in flight
  server.signal(SIGTERM);
  auto reply = c.read_message(5s);
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["result"], "slept");
  auto code = server.wait_exit(5s);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(harness::mode_of(server.socket()), -1);
}

TEST(Lifecycle, SigintStopsAnIdleServer) {
  TempDir dir;
  LampServer server(dir.file("lamp.sock"));
  RpcClient idle(server.socket());  // an open idle connection must not hold the server up
  server.signal(SIGINT);
  auto code = server.wait_exit(5s);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0);
  EXPECT_FALSE(std::filesystem::exists(server.socket()));
}

TEST(Lifecycle, DrainGivesUpAfterFiveSeconds) {
  TempDir dir;
  LampServer server(dir.file("lamp.sock"));
  RpcClient c(server.socket());
  c.send_raw(R"({"jsonrpc":"2.0","id":1,"method":"test.sleep","params":{"ms":600000}})" "\n");
  EXPECT_EQ(c.call("ping"), "pong");
  const auto t0 = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  auto code = server.wait_exit(10s);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 7s);
  EXPECT_FALSE(std::filesystem::exists(server.socket()));
}

TEST(Lifecycle, RemovesOnlyItsOwnSocket) {
  TempDir dir;
  const auto path = dir.file("lamp.sock");
  LampServer old_server(path);
  std::filesystem::remove(path);  // someone removed it; a new server takes the path
  LampServer new_server(path);
  old_server.signal(SIGTERM);
  ASSERT_TRUE(old_server.wait_exit(5s));
  ASSERT_TRUE(std::filesystem::exists(path));
  RpcClient c(path);
  EXPECT_EQ(c.call("ping"), "pong");
}

TEST(Lifecycle, CliPingAndStatus) {
  TempDir dir;
  const auto path = dir.file("lamp.sock");
  auto none = harness::run_lamp({"ping", "--socket", path});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no lamp server at " + path), std::string::npos) << none.err;
  EXPECT_EQ(none.err.find('\n'), none.err.size() - 1) << "one line";

  LampServer server(path);
  auto ping = harness::run_lamp({"ping", "--socket", path});
  EXPECT_EQ(ping.exit_code, 0);
  EXPECT_EQ(ping.out, "pong\n");
  auto status = harness::run_lamp({"status", "--socket", path, "--json"});
  EXPECT_EQ(status.exit_code, 0);
  auto s = proto::json::parse(status.out);
  for (const char* key : {"active", "queued", "capacity", "max_queue", "connections", "uptime_s",
                          "requests_total", "upstream"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }
  EXPECT_EQ(s["capacity"], 10);
  EXPECT_EQ(s["max_queue"], 100);
  auto text = harness::run_lamp({"status", "--socket", path});
  EXPECT_NE(text.out.find("upstream active 0 of 10"), std::string::npos) << text.out;
}

TEST(Lifecycle, MalformedEnvironmentIsAClearStartupError) {
  TempDir dir;
  LampServer server(dir.file("lamp.sock"), {{}, {{"LAMP_MAX_CONCURRENCY", "lots"}}, true, false});
  auto code = server.wait_exit(5s);
  ASSERT_TRUE(code);
  EXPECT_NE(*code, 0);
  EXPECT_NE(server.stderr_text().find("LAMP_MAX_CONCURRENCY"), std::string::npos);
}
