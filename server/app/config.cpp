// SPDX-License-Identifier: GPL-3.0-or-later
// Environment parsing for Config.
#include "app/config.hpp"

#include "app/base_url.hpp"
#include "app/redact.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace lamp::app {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

int env_int(const char* name, int fallback, int min, int max) {
  const std::string v = env(name);
  if (v.empty()) return fallback;
  int n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || end != v.data() + v.size() || n < min || n > max) {
    throw std::invalid_argument(std::string(name) + " must be an integer from " +
                                std::to_string(min) + " to " + std::to_string(max) + ", got \"" +
                                v + "\"");
  }
  return n;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

Config Config::from_env() {
  Config c;
  c.api_key = env("OPENAI_API_KEY");
  c.base_url = env("OPENAI_BASE_URL");
  if (c.base_url.empty()) c.base_url = env("OPENAI_API_BASE");
  if (c.base_url.empty()) c.base_url = "https://api.openai.com/v1";
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
  c.chat_url = chat_completions_url(c.base_url);
  c.local_upstream = is_loopback_host(url_host(c.base_url));
  c.ca_file = env("SSL_CERT_FILE");
  c.ca_dir = env("SSL_CERT_DIR");
  if (auto model = env("LAMP_DEFAULT_MODEL"); !model.empty()) c.default_model = model;
  if (auto models = env("LAMP_MODELS"); !models.empty()) c.allowed_models = split_list(models);
  c.max_concurrency = env_int("LAMP_MAX_CONCURRENCY", c.max_concurrency, 1, 10000);
  c.max_queue = env_int("LAMP_MAX_QUEUE", c.max_queue, 0, 1000000);
  c.timeout_s = env_int("LAMP_TIMEOUT_S", c.timeout_s, 1, 86400);
  c.max_retries = env_int("LAMP_MAX_RETRIES", c.max_retries, 0, 100);
  c.deadline_s = env_int("LAMP_DEADLINE_S", c.deadline_s, 1, 86400);
  c.check_timeout_s = env_int("LAMP_CHECK_TIMEOUT_S", c.check_timeout_s, 1, 3600);
  c.repo_map_bytes = env_int("LAMP_REPO_MAP_BYTES", c.repo_map_bytes, 0, 1 << 20);
  c.full_file_bytes = env_int("LAMP_FULL_FILE_BYTES", c.full_file_bytes, 1024, 1 << 30);
  return c;
}

void scrub_environment_variable(const char* name) {
  const std::string_view wanted(name);
  // Every entry, not just the first: a duplicated variable would otherwise survive.
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (text.size() > wanted.size() && text.starts_with(wanted) && text[wanted.size()] == '=') {
      char* value = *entry + wanted.size() + 1;
      ::explicit_bzero(value, std::strlen(value));
    }
  }
  ::unsetenv(name);
}

std::string Config::display_base_url() const { return url_without_userinfo(base_url, ""); }

std::string Config::display_chat_url() const { return url_without_userinfo(chat_url, ""); }

}  // namespace lamp::app
