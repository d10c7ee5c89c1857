// SPDX-License-Identifier: GPL-3.0-or-later
// Config: base-URL rule, environment parsing, and never showing credentials.
#include "app/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

using lamp::app::chat_completions_url;
using lamp::app::Config;

TEST(Config, ChatUrlRule) {
  EXPECT_EQ(chat_completions_url("https://api.openai.com"), "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(chat_completions_url("https://api.openai.com/"), "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(chat_completions_url("http://127.0.0.1:8080/v1"), "http://127.0.0.1:8080/v1/chat/completions");
  EXPECT_EQ(chat_completions_url("http://h/v1/"), "http://h/v1/chat/completions");
  EXPECT_EQ(chat_completions_url("http://h/openai"), "http://h/openai/v1/chat/completions");
}

class ConfigEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : kVars) ::unsetenv(v);
  }
  void TearDown() override { SetUp(); }
  static constexpr const char* kVars[] = {"OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE",
                                          "LAMP_DEFAULT_MODEL", "LAMP_MODELS", "LAMP_MAX_CONCURRENCY",
                                          "LAMP_MAX_QUEUE", "LAMP_TIMEOUT_S", "LAMP_MAX_RETRIES"};
};

TEST_F(ConfigEnv, Defaults) {
  auto c = Config::from_env();
  EXPECT_EQ(c.chat_url, "https://api.openai.com/v1/chat/completions");
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

TEST_F(ConfigEnv, RejectsMalformedNumbers) {
  ::setenv("LAMP_MAX_QUEUE", "ten", 1);
  EXPECT_THROW(Config::from_env(), std::invalid_argument);
  ::setenv("LAMP_MAX_QUEUE", "-1", 1);
  EXPECT_THROW(Config::from_env(), std::invalid_argument);
}

TEST_F(ConfigEnv, DisplayUrlHidesCredentials) {
  ::setenv("OPENAI_BASE_URL", "https://user:secret@proxy.example/v1", 1);
  EXPECT_EQ(Config::from_env().display_base_url(), "https://proxy.example/v1");
}
