// SPDX-License-Identifier: GPL-3.0-or-later
// Integration: lamp against provider-like setups of the fake upstream: a local model server
// without a key, provider base URLs with their own version path, wisp.patch without a
// project root.
#include "patch/support/real_tools.hpp"
#include "support/upstream_fixture.hpp"

using namespace lamp;
using namespace std::chrono_literals;
using harness::FakeUpstream;
using harness::UpstreamTest;
using harness::user_message;
using proto::json;

namespace {

FakeUpstream::Options local_server() {
  FakeUpstream::Options o;
  o.allow_no_auth = true;  // like Ollama or llama.cpp's server
  return o;
}

FakeUpstream::Options serving_at(std::string chat_path) {
  FakeUpstream::Options o;
  o.chat_path = std::move(chat_path);
  return o;
}

}  // namespace

class LocalModelTest : public UpstreamTest {
 protected:
  LocalModelTest() : UpstreamTest(local_server()) {}
};

TEST_F(LocalModelTest, ALoopbackBaseUrlWorksWithoutAKeyAndSendsNoAuthorization) {
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    SCOPED_TRACE(host);
    fake.reset();
    start({{"OPENAI_API_KEY", ""}, {"OPENAI_BASE_URL", "http://" + host + ":" + std::to_string(fake.port()) + "/v1"}});
    auto c = client();
    auto reply = call_raw(c, user_message("Say hello"));
    ASSERT_TRUE(reply.contains("result")) << reply;
    EXPECT_EQ(reply["result"]["choices"][0]["message"]["content"], "Hello from the fake upstream!");
    const json log = fake.log();
    ASSERT_EQ(log["total"], 1);
    EXPECT_FALSE(log["requests"][0]["headers"].contains("authorization")) << log["requests"][0]["headers"];
    const json described = c.call("server.describe");
    EXPECT_EQ(described["upstream"]["api_key_set"], false);
    server.reset();
  }
}

TEST_F(LocalModelTest, AKeyIsStillSentToALocalServerWhenSet) {
  start();
  auto c = client();
  ASSERT_TRUE(call_raw(c, user_message("x")).contains("result"));
  EXPECT_EQ(fake.log()["requests"][0]["headers"]["authorization"], std::string("Bearer ") + FakeUpstream::kApiKey);
  const json described = c.call("server.describe");
  EXPECT_EQ(described["upstream"]["api_key_set"], true);
  EXPECT_EQ(proto::dump(described).find(FakeUpstream::kApiKey), std::string::npos);
}

TEST_F(LocalModelTest, ARemoteBaseUrlWithoutAKeyIsStillMinus32005) {
  start({{"OPENAI_API_KEY", ""}, {"OPENAI_BASE_URL", "https://api.example.invalid/v1"}});
  auto c = client();
  auto reply = call_raw(c, user_message("x"));
  EXPECT_EQ(reply["error"]["code"], -32005) << reply;
  EXPECT_NE(proto::dump(reply).find("OPENAI_API_KEY"), std::string::npos);
  EXPECT_EQ(c.call("server.describe")["upstream"]["api_key_set"], false);
}

// Gemini's and Zhipu's bases carry their own version path: nothing is inserted into them.
TEST(ProviderBaseUrl, TheBasePathIsKeptAsGiven) {
  struct Case {
    std::string chat_path, base_suffix;
  };
  for (const Case& k : {Case{"/v1beta/openai/chat/completions", "/v1beta/openai/"},
                        Case{"/api/paas/v4/chat/completions", "/api/paas/v4"},
                        Case{"/openai/v1/chat/completions", "/openai/v1"},
                        Case{"/v1/chat/completions", ""}}) {
    SCOPED_TRACE(k.base_suffix);
    FakeUpstream fake(serving_at(k.chat_path));
    harness::TempDir dir;
    auto env = fake.lamp_env();
    env["OPENAI_BASE_URL"] = fake.base_url() + k.base_suffix;
    harness::LampServer lamp(dir.file("lamp.sock"), {{}, env, false, true});
    client::RpcClient c(lamp.socket());
    const json reply = harness::outcome_of(c, "chat.completions", user_message("Say hello"));
    ASSERT_TRUE(reply.contains("result")) << reply;
    EXPECT_EQ(fake.log()["requests"][0]["path"], k.chat_path);
    EXPECT_EQ(c.call("server.describe")["upstream"]["chat_url"], fake.base_url() + k.chat_path);
  }
}

using ProjectRootTest = UpstreamTest;

// Without a project root the diff names the file by its base name, for patch -p1 and git apply
// run next to the file.
TEST_F(ProjectRootTest, WispPatchWorksWithoutAProjectRoot) {
  start();
  const std::string buffer = "def add(a, b):\n    # TODO: return the sum\n    pass\n";
  const std::string reply_text =
      "<<<<<<< SEARCH\n    # TODO: return the sum\n    pass\n=======\n    return a + b\n>>>>>>> REPLACE\n";
  json params = {{"file_path", "/home/u/scratch/calc.py"}, {"language", "python"}, {"comment_style", "line"},
                 {"selection", {{"start_pos", 16}, {"end_pos", 42}}}, {"buffer_text", buffer}};
  std::vector<json> variants;
  variants.push_back(params);  // no context
  params["context"] = nullptr;
  variants.push_back(params);
  params["context"] = json::object();  // a context without project_root
  variants.push_back(params);
  params["context"] = {{"project_root", nullptr}};
  variants.push_back(params);
  auto c = client();
  for (const json& p : variants) {
    SCOPED_TRACE(proto::dump(p.value("context", json("absent"))));
    fake.enqueue({{"content", reply_text}});
    auto reply = call_raw(c, p, nullptr, 30s, "wisp.patch");
    ASSERT_TRUE(reply.contains("result")) << reply;
    const std::string diff = reply["result"]["patch"];
    EXPECT_EQ(diff.rfind("--- a/calc.py\n+++ b/calc.py\n", 0), 0u) << diff;
    EXPECT_TRUE(patch::testing::applies_with_real_tools(buffer, "calc.py", diff, "def add(a, b):\n    return a + b\n"));
  }
  params["context"] = {{"project_root", 7}};
  auto wrong = call_raw(c, params, nullptr, 30s, "wisp.patch");
  EXPECT_EQ(wrong["error"]["code"], -32602) << wrong;
  EXPECT_NE(proto::dump(wrong).find("context.project_root"), std::string::npos);
  EXPECT_EQ(fake.log()["total"], 4);
}

// A base URL curl cannot use fails at once, naming the variable: no retries for a typo.
TEST(ProviderBaseUrl, AMalformedBaseUrlFailsAtOnceNamingTheVariable) {
  harness::TempDir dir;
  harness::LampServer lamp(dir.file("lamp.sock"),
                           {{}, {{"OPENAI_API_KEY", FakeUpstream::kApiKey}, {"OPENAI_BASE_URL", "htps://127.0.0.1:9/v1"}},
                            false, true});
  client::RpcClient c(lamp.socket());
  const json reply = harness::outcome_of(c, "chat.completions", user_message("x"));
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32002);
  EXPECT_EQ(reply["error"]["data"]["attempts"], 1);
  EXPECT_NE(reply["error"]["message"].get<std::string>().find("OPENAI_BASE_URL"), std::string::npos) << reply;
}
