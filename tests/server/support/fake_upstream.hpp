// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: the fake OpenAI-compatible upstream (tests/fixtures/fake_upstream.py) as a
// real process on 127.0.0.1, with its control API (scripted replies, faults, request log).
#pragma once

#include "support/lamp_process.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace lamp::harness {

class FakeUpstream {
 public:
  static constexpr const char* kApiKey = "sk-test-4f9a1c-DO-NOT-LEAK";

  struct Options {
    std::string replies_dir;  // "" = tests/fixtures/replies
    // HTTPS with this certificate and key; `ca_file` is what the control calls trust.
    std::string tls_cert, tls_key, ca_file;
    std::string chat_path;    // "" = /v1/chat/completions
    bool allow_no_auth = false;  // accept calls without an Authorization header
  };

  // Starts the fake with the recorded replies in tests/fixtures/replies (or `replies_dir`).
  explicit FakeUpstream(std::string replies_dir = "") : FakeUpstream(with_replies(std::move(replies_dir))) {}
  explicit FakeUpstream(Options options);
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  int port() const { return port_; }
  std::string base_url() const {
    return (options_.tls_cert.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(port_);
  }
  // Environment for a lamp that should use this fake.
  std::map<std::string, std::string> lamp_env() const {
    return {{"OPENAI_API_KEY", kApiKey}, {"OPENAI_BASE_URL", base_url()}};
  }

  void enqueue(const nlohmann::json& actions);
  void set_default(const nlohmann::json& action);
  void reset();
  nlohmann::json log();

 private:
  static Options with_replies(std::string dir) {
    Options o;
    o.replies_dir = std::move(dir);
    return o;
  }
  nlohmann::json control(const std::string& method, const std::string& path, const nlohmann::json& body);

  Options options_;
  TempDir dir_;
  boost::process::child child_;
  int port_ = 0;
};

}  // namespace lamp::harness
