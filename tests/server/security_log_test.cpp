// SPDX-License-Identifier: GPL-3.0-or-later
// Security: what lamp writes about requests. No bodies, headers or key at the default level;
// LAMP_LOG=debug shows requests with credentials redacted; errors, replies, server.describe
// and server.status never carry the key, whatever the upstream echoes.
#include "support/upstream_fixture.hpp"
#include "upstream/request_log.hpp"

// Test output never shows a reply or log text that might hold the key: only names and flags.

#include <gtest/gtest.h>

using namespace lamp;
using namespace std::chrono_literals;
using harness::FakeUpstream;
using proto::json;
using harness::user_message;
using upstream::describe_for_log;
using upstream::HttpRequest;

namespace {

const std::string kKey = FakeUpstream::kApiKey;
const std::string kPrompt = "zebra-quokka-7731 tell me a story";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(RequestLog, CredentialHeadersAreRedactedKeepingTheScheme) {
  HttpRequest r;
  r.url = "https://api.example.com/v1/chat/completions";
  r.headers = {"Authorization: Bearer sk-abc123456", "Content-Type: application/json", "x-api-key: sk-other999",
               "proxy-authorization:Basic dXNlcjpwdw=="};
  r.body = "{}";
  const auto line = describe_for_log(r);
  EXPECT_TRUE(has(line, "POST https://api.example.com/v1/chat/completions")) << line;
  EXPECT_TRUE(has(line, "Authorization: Bearer <redacted>")) << line;
  EXPECT_TRUE(has(line, "Content-Type: application/json")) << line;
  EXPECT_TRUE(has(line, "x-api-key: <redacted>")) << line;
  EXPECT_TRUE(has(line, "proxy-authorization: Basic <redacted>")) << line;
  for (const char* secret : {"sk-abc123456", "sk-other999", "dXNlcjpwdw=="}) EXPECT_FALSE(has(line, secret)) << secret;
}

TEST(RequestLog, TokenElsewhereAndUrlCredentialsAreRedacted) {
  HttpRequest r;
  r.url = "http://user:pw-777@proxy.example:8080/v1/chat/completions?k=sk-abc123456";
  r.headers = {"Authorization: Bearer sk-abc123456"};
  r.body = R"({"messages":[{"role":"user","content":"my key is sk-abc123456, twice: sk-abc123456"}]})";
  const auto line = describe_for_log(r);
  EXPECT_FALSE(has(line, "sk-abc123456")) << line;
  EXPECT_FALSE(has(line, "pw-777")) << line;
  EXPECT_TRUE(has(line, "http://<redacted>@proxy.example:8080/")) << line;
  EXPECT_TRUE(has(line, "my key is <redacted>")) << line;
}

TEST(RequestLog, ExcerptIsBoundedAndOneLine) {
  HttpRequest r;
  r.url = "http://h/v1/chat/completions";
  r.body = std::string(500, 'a') + "\nline two\r" + std::string(500, 'b');
  const auto line = describe_for_log(r, 100);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_TRUE(has(line, "1010 bytes: ")) << line;
  EXPECT_FALSE(has(line, "line two"));
  EXPECT_EQ(line.substr(line.size() - 3), "...");
  EXPECT_LT(line.size(), 200u);
}

TEST(RequestLog, RedactionNeverPullsPartOfALaterTokenIntoTheExcerpt) {
  const std::string token = "sk-0123456789abcdefghijklmnopqrstuvwxyz";  // far longer than "<redacted>"
  HttpRequest r;
  r.headers = {"Authorization: Bearer " + token};
  r.body = token + std::string(20, '.') + token + std::string(20, '.');
  const auto line = describe_for_log(r, 60);
  EXPECT_FALSE(has(line, token.substr(0, 8))) << line;
}

using SecurityLog = harness::UpstreamTest;

TEST_F(SecurityLog, DebugLogShowsRequestsWithTheKeyRedacted) {
  start({{"LAMP_LOG", "debug"}});
  auto c = client();
  auto reply = call_raw(c, user_message(kPrompt));
  ASSERT_TRUE(reply.contains("result"));
  // The key still reaches the upstream: only the log is redacted.
  EXPECT_EQ(fake.log()["requests"][0]["headers"]["authorization"], "Bearer " + kKey);
  const auto log = server->stderr_text();
  EXPECT_TRUE(has(log, "request chat.completions id "));
  EXPECT_TRUE(has(log, "upstream request "));
  EXPECT_TRUE(has(log, "Authorization: Bearer <redacted>"));
  EXPECT_TRUE(has(log, "zebra-quokka-7731")) << "debug shows a body excerpt";
  EXPECT_TRUE(has(log, "upstream reply "));
  EXPECT_FALSE(has(log, kKey)) << "the key is in the debug log";
}

TEST_F(SecurityLog, DefaultLevelLogsNoBodiesHeadersOrKey) {
  start({{"LAMP_LOG", ""}});  // the default level, whatever the developer's shell says
  auto c = client();
  ASSERT_TRUE(call_raw(c, user_message(kPrompt)).contains("result"));
  json params = user_message(kPrompt);
  params["stream"] = true;
  ASSERT_TRUE(call_raw(c, params).contains("result"));
  ASSERT_TRUE(call_raw(c, {{"zebra-quokka-7731", 1}}, nullptr, 5s, "test.echo").contains("result"));
  const auto log = server->stderr_text();
  EXPECT_TRUE(has(log, "listening on")) << "the log was captured";
  EXPECT_FALSE(has(log, "zebra-quokka"));
  EXPECT_FALSE(has(log, "Authorization"));
  EXPECT_FALSE(has(log, "chat.completions"));
  EXPECT_FALSE(has(log, kKey));
}

TEST_F(SecurityLog, KeyPastedIntoThePromptStaysOutOfTheDebugLog) {
  start({{"LAMP_LOG", "debug"}});
  fake.enqueue({{"content", "noted"}});
  auto c = client();
  ASSERT_TRUE(call_raw(c, user_message("is this my key? " + kKey)).contains("result"));
  const auto log = server->stderr_text();
  EXPECT_TRUE(has(log, "is this my key? <redacted>")) << "the excerpt was logged, redacted";
  EXPECT_FALSE(has(log, kKey));
}

// Every way an upstream can echo the key back ends in an error with "<redacted>" in its place
// (the fixture also checks every reply and log line for the key).
TEST_F(SecurityLog, UpstreamEchoesOfTheKeyAreRedactedInEveryError) {
  start({{"LAMP_MAX_RETRIES", "0"}, {"LAMP_LOG", "debug"}});
  const std::string echoed = "Incorrect API key provided: " + kKey;
  const json stream_error = {{"error", {{"message", echoed}}}};
  struct Case {
    const char* name;
    json action;
    bool stream;
  };
  const std::vector<Case> cases = {
      {"401 with the key in error.message", {{"status", 401}, {"json", {{"error", {{"message", echoed}}}}}}, false},
      {"500 with the key in a raw body", {{"status", 500}, {"body", "proxy: " + echoed}}, false},
      {"200 that is not JSON", {{"status", 200}, {"body", "<html>" + echoed + "</html>"}}, false},
      {"error event in a stream", {{"stream_events", json::array({proto::dump(stream_error)})}}, true},
      {"malformed event in a stream", {{"stream_events", json::array({"not json " + echoed})}}, true},
  };
  auto c = client();
  for (const auto& k : cases) {
    fake.enqueue(k.action);
    json params = user_message("x");
    if (k.stream) params["stream"] = true;
    const auto reply = call_raw(c, params);
    ASSERT_TRUE(reply.contains("error")) << k.name;
    const auto text = proto::dump(reply);
    EXPECT_FALSE(has(text, kKey)) << k.name;
    EXPECT_TRUE(has(text, "<redacted>")) << k.name;
  }
  for (const char* method : {"server.describe", "server.status"}) {
    const auto reply = call_raw(c, nullptr, nullptr, 5s, method);
    ASSERT_TRUE(reply.contains("result")) << method;
    EXPECT_FALSE(has(proto::dump(reply), kKey)) << method;
  }
  EXPECT_FALSE(has(server->stderr_text(), kKey));
}

// A key carried as the password of the base URL (some proxies want that) appears in no error,
// no describe/status and no debug log line.
TEST_F(SecurityLog, KeyInTheBaseUrlStaysOutOfErrorsAndLogs) {
  start({{"OPENAI_BASE_URL", "http://user:" + kKey + "@127.0.0.1:1"}, {"LAMP_MAX_RETRIES", "0"},
         {"LAMP_LOG", "debug"}});
  auto c = client();
  const auto reply = call_raw(c, user_message("x"));
  ASSERT_TRUE(reply.contains("error")) << "an unreachable upstream is an error";
  EXPECT_EQ(reply["error"]["code"], -32002);
  EXPECT_FALSE(has(proto::dump(reply), kKey));
  for (const char* method : {"server.describe", "server.status"}) {
    EXPECT_FALSE(has(proto::dump(call_raw(c, nullptr, nullptr, 5s, method)), kKey)) << method;
  }
  const auto log = server->stderr_text();
  EXPECT_TRUE(has(log, "http://<redacted>@127.0.0.1:1/v1/chat/completions")) << "the request was logged";
  EXPECT_FALSE(has(log, kKey));
}
