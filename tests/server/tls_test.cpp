// SPDX-License-Identifier: GPL-3.0-or-later
// Integration: lamp against an HTTPS fake upstream whose certificate is made at test time:
// trusting a private CA through SSL_CERT_FILE / SSL_CERT_DIR, untrusted certificates failing at
// once with a message naming the fix, and HTTPS_PROXY / NO_PROXY with a local CONNECT proxy.
#include "patch/support/real_tools.hpp"
#include "support/tls_fixtures.hpp"
#include "support/upstream_fixture.hpp"

using namespace lamp;
using namespace std::chrono_literals;
using harness::FakeUpstream;
using harness::TestCertificates;
using harness::UpstreamTest;
using harness::user_message;
using proto::json;

namespace {

FakeUpstream::Options https_options(const TestCertificates& certs, bool self_signed = false) {
  FakeUpstream::Options o;
  o.tls_cert = self_signed ? certs.self_signed_cert() : certs.server_cert();
  o.tls_key = self_signed ? certs.self_signed_key() : certs.server_key();
  o.ca_file = self_signed ? certs.self_signed_cert() : certs.ca_file();
  return o;
}

}  // namespace

// The fake serves HTTPS with a certificate signed by a CA no system trusts.
class TlsTest : public UpstreamTest {
 protected:
  TlsTest() : TlsTest(std::make_shared<TestCertificates>()) {}
  explicit TlsTest(std::shared_ptr<TestCertificates> c) : UpstreamTest(https_options(*c)), certs(std::move(c)) {}

  json chat() {
    auto c = client();
    return call_raw(c, user_message("Say hello"));
  }

  std::shared_ptr<TestCertificates> certs;
};

TEST_F(TlsTest, APrivateCaIsTrustedThroughSslCertFile) {
  ASSERT_EQ(fake.base_url().rfind("https://", 0), 0u);
  start({{"SSL_CERT_FILE", certs->ca_file()}});
  auto reply = chat();
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(reply["result"]["choices"][0]["message"]["content"], "Hello from the fake upstream!");
  EXPECT_EQ(fake.log()["total"], 1);
}

TEST_F(TlsTest, APrivateCaIsTrustedThroughSslCertDir) {
  start({{"SSL_CERT_DIR", certs->ca_dir()}});
  auto reply = chat();
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(fake.log()["total"], 1);
}

TEST_F(TlsTest, AnUntrustedCertificateFailsAtOnceNamingTheFix) {
  start();  // the system store does not know the test CA
  auto reply = chat();
  ASSERT_TRUE(reply.contains("error")) << reply;
  const auto& error = reply["error"];
  EXPECT_EQ(error["code"], -32002);
  EXPECT_EQ(error["data"]["attempts"], 1) << "a certificate failure is not retried";
  const std::string message = error["message"];
  EXPECT_NE(message.find("certificate"), std::string::npos) << message;
  EXPECT_NE(message.find("SSL_CERT_FILE"), std::string::npos) << message;
  EXPECT_EQ(fake.log()["total"], 0) << "no request got past the handshake";
  auto c = client();
  EXPECT_EQ(c.call("server.status", json::object())["upstream"]["retries"], 0);
}

TEST_F(TlsTest, WispPatchOverHttpsGivesADiffForPatchAndGitApply) {
  start({{"SSL_CERT_FILE", certs->ca_file()}});
  const std::string buffer = "def add(a, b):\n    # TODO: return the sum\n    pass\n";
  fake.enqueue({{"content", "<<<<<<< SEARCH\n    # TODO: return the sum\n    pass\n=======\n    return a + b\n"
                            ">>>>>>> REPLACE\n"}});
  json params = {{"file_path", "/p/calc.py"}, {"language", "python"}, {"comment_style", "line"},
                 {"selection", {{"start_pos", 16}, {"end_pos", 42}}}, {"buffer_text", buffer},
                 {"context", {{"project_root", "/p"}}}};
  auto c = client();
  auto reply = call_raw(c, params, nullptr, 30s, "wisp.patch");
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_TRUE(patch::testing::applies_with_real_tools(buffer, "calc.py", reply["result"]["patch"].get<std::string>(),
                                                      "def add(a, b):\n    return a + b\n"));
}

TEST(TlsSelfSigned, RefusedUntilTrustedThenAccepted) {
  TestCertificates certs;
  FakeUpstream fake(https_options(certs, /*self_signed=*/true));
  harness::TempDir dir;
  auto env = fake.lamp_env();
  {
    harness::LampServer lamp(dir.file("a.sock"), {{}, env, false, true});
    client::RpcClient c(lamp.socket());
    const json reply = harness::outcome_of(c, "chat.completions", user_message("hi"));
    EXPECT_EQ(reply["error"]["code"], -32002) << reply;
    EXPECT_EQ(reply["error"]["data"]["attempts"], 1) << reply;
  }
  env["SSL_CERT_FILE"] = certs.self_signed_cert();
  harness::LampServer lamp(dir.file("b.sock"), {{}, env, false, true});
  client::RpcClient c(lamp.socket());
  const json reply = harness::outcome_of(c, "chat.completions", user_message("hi"));
  EXPECT_TRUE(reply.contains("result")) << reply;
}

TEST_F(TlsTest, HttpsProxyTunnelsTheCallAndNoProxyBypassesIt) {
  harness::ConnectProxy proxy;
  start({{"SSL_CERT_FILE", certs->ca_file()}, {"HTTPS_PROXY", proxy.url()}});
  auto reply = chat();
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(proxy.tunnels(), std::vector<std::string>{"127.0.0.1:" + std::to_string(fake.port())});

  server.reset();
  start({{"SSL_CERT_FILE", certs->ca_file()}, {"https_proxy", proxy.url()}, {"NO_PROXY", "127.0.0.1"}});
  reply = chat();
  ASSERT_TRUE(reply.contains("result")) << reply;
  EXPECT_EQ(proxy.tunnels().size(), 1u) << "NO_PROXY lists the upstream: no new tunnel";
  EXPECT_EQ(fake.log()["total"], 2);
}

TEST_F(TlsTest, AProxyThatIsDownMakesTheUpstreamUnreachable) {
  std::string dead_port;
  {
    harness::ConnectProxy gone;  // a port that was just free
    dead_port = gone.url();
  }
  start({{"SSL_CERT_FILE", certs->ca_file()}, {"HTTPS_PROXY", dead_port}, {"LAMP_MAX_RETRIES", "0"}});
  auto reply = chat();
  EXPECT_EQ(reply["error"]["code"], -32002) << reply;
  EXPECT_EQ(fake.log()["total"], 0);
}
