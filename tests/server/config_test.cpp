// SPDX-License-Identifier: GPL-3.0-or-later
// Config: base-URL rule, environment parsing, and never showing credentials.
#include "app/base_url.hpp"
#include "app/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>

using lamp::app::chat_completions_url;
using lamp::app::Config;
using lamp::app::is_loopback_host;
using lamp::app::url_host;

// The OpenAI SDKs' rule: /chat/completions after the base as given; /v1 only for a bare host.
TEST(Config, ChatUrlRule) {
  EXPECT_EQ(chat_completions_url("https://api.openai.com"), "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(chat_completions_url("https://api.openai.com/"), "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(chat_completions_url("http://127.0.0.1:8080/v1"), "http://127.0.0.1:8080/v1/chat/completions");
  EXPECT_EQ(chat_completions_url("http://h/v1/"), "http://h/v1/chat/completions");
  EXPECT_EQ(chat_completions_url("http://h/openai"), "http://h/openai/chat/completions");
  EXPECT_EQ(chat_completions_url("https://generativelanguage.googleapis.com/v1beta/openai/"),
            "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions");
  EXPECT_EQ(chat_completions_url("https://open.bigmodel.cn/api/paas/v4"),
            "https://open.bigmodel.cn/api/paas/v4/chat/completions");
  EXPECT_EQ(chat_completions_url("https://gw.example/openai/v1?api-version=2024-10-21"),
            "https://gw.example/openai/v1/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(chat_completions_url("https://gw.example?x=1"), "https://gw.example/v1/chat/completions?x=1");
  EXPECT_EQ(chat_completions_url("http://u:p@h:8/v2//"), "http://u:p@h:8/v2/chat/completions");
}

// Every row of README's provider table: the URL it says lamp calls is the one lamp calls.
TEST(Config, ReadmeProviderTableIsTrue) {
  std::ifstream in(std::string(LAMP_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in) << "README.md not found";
  const std::regex row(R"(^\|[^|]+\| `([^`]+)` \| `([^`]+)` \|)");
  int rows = 0;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    ++rows;
    EXPECT_EQ(chat_completions_url(m[1].str()), m[2].str()) << line;
  }
  EXPECT_GE(rows, 11) << "the provider table lists OpenAI, Azure, Gemini, Groq, OpenRouter, DeepSeek, "
                         "Mistral, Ollama, llama.cpp, vLLM and LM Studio";
}

TEST(Config, LoopbackHosts) {
  for (const char* url : {"http://localhost:11434/v1", "http://LOCALHOST./v1", "http://127.0.0.1:8080",
                          "http://127.3.4.5/v1", "http://[::1]:8000/v1", "http://[::ffff:127.0.0.1]:1/v1",
                          "http://user:pw@127.0.0.1:9/v1"}) {
    EXPECT_TRUE(is_loopback_host(url_host(url))) << url;
  }
  for (const char* url : {"https://api.openai.com/v1", "http://128.0.0.1/v1", "http://10.0.0.2:11434/v1",
                          "http://localhost.example.com/v1", "http://127.0.0.1.nip.io/v1",
                          "http://[::2]/v1", "http://localhost@evil.example/v1", "http:///v1", ""}) {
    EXPECT_FALSE(is_loopback_host(url_host(url))) << url;
  }
}

class ConfigEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : kVars) ::unsetenv(v);
  }
  void TearDown() override { SetUp(); }
  static constexpr const char* kVars[] = {"OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE",
                                          "SSL_CERT_FILE", "SSL_CERT_DIR",
                                          "LAMP_DEFAULT_MODEL", "LAMP_MODELS", "LAMP_MAX_CONCURRENCY",
                                          "LAMP_MAX_QUEUE", "LAMP_TIMEOUT_S", "LAMP_MAX_RETRIES",
                                          "LAMP_CHECK_TIMEOUT_S"};
};

TEST_F(ConfigEnv, Defaults) {
  auto c = Config::from_env();
  EXPECT_EQ(c.chat_url, "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(c.display_base_url(), "https://api.openai.com/v1");
  EXPECT_TRUE(c.missing_key());
  EXPECT_EQ(c.default_model, "gpt-4o-mini");
  EXPECT_FALSE(c.allowed_models);
  EXPECT_EQ(c.max_concurrency, 10);
  EXPECT_EQ(c.max_queue, 100);
  EXPECT_EQ(c.timeout_s, 60);
  EXPECT_EQ(c.max_retries, 4);
}

TEST_F(ConfigEnv, ReadsVariables) {
  ::setenv("OPENAI_API_BASE", "http://localhost:9/v1", 1);
  ::setenv("LAMP_MODELS", " a, b ,,c", 1);
  ::setenv("LAMP_MAX_CONCURRENCY", "3", 1);
  auto c = Config::from_env();
  EXPECT_EQ(c.chat_url, "http://localhost:9/v1/chat/completions");
  ASSERT_TRUE(c.allowed_models);
  EXPECT_EQ(*c.allowed_models, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(c.max_concurrency, 3);
  ::setenv("OPENAI_BASE_URL", "http://first", 1);
  EXPECT_EQ(Config::from_env().base_url, "http://first");  // OPENAI_BASE_URL wins
}

TEST_F(ConfigEnv, OnlyALoopbackBaseWorksWithoutAKey) {
  ::setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1", 1);
  EXPECT_FALSE(Config::from_env().missing_key());
  ::setenv("OPENAI_BASE_URL", "https://api.groq.com/openai/v1", 1);
  EXPECT_TRUE(Config::from_env().missing_key());
  ::setenv("OPENAI_API_KEY", "sk-x", 1);
  EXPECT_FALSE(Config::from_env().missing_key());
}

TEST_F(ConfigEnv, ReadsTheOpenSslCaVariables) {
  ::setenv("SSL_CERT_FILE", "/etc/corp/ca.pem", 1);
  ::setenv("SSL_CERT_DIR", "/etc/corp/certs", 1);
  auto c = Config::from_env();
  EXPECT_EQ(c.ca_file, "/etc/corp/ca.pem");
  EXPECT_EQ(c.ca_dir, "/etc/corp/certs");
}

TEST_F(ConfigEnv, RejectsMalformedNumbers) {
  ::setenv("LAMP_MAX_QUEUE", "ten", 1);
  EXPECT_THROW(Config::from_env(), std::invalid_argument);
  ::setenv("LAMP_MAX_QUEUE", "-1", 1);
  EXPECT_THROW(Config::from_env(), std::invalid_argument);
}

TEST_F(ConfigEnv, CheckTimeoutDefaultsToFiveSecondsAndIsValidated) {
  EXPECT_EQ(Config::from_env().check_timeout_s, 5);
  ::setenv("LAMP_CHECK_TIMEOUT_S", "2", 1);
  EXPECT_EQ(Config::from_env().check_timeout_s, 2);
  for (const char* bad : {"0", "1.5", "soon", "3601"}) {
    ::setenv("LAMP_CHECK_TIMEOUT_S", bad, 1);
    EXPECT_THROW(Config::from_env(), std::invalid_argument) << bad;
  }
}

TEST_F(ConfigEnv, DisplayUrlHidesCredentials) {
  ::setenv("OPENAI_BASE_URL", "https://user:secret@proxy.example/v1", 1);
  EXPECT_EQ(Config::from_env().display_base_url(), "https://proxy.example/v1");
}
