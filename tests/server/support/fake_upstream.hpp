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

  // Starts the fake with the recorded replies in tests/fixtures/replies (or `replies_dir`).
  explicit FakeUpstream(std::string replies_dir = "");
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Environment for a lamp that should use this fake.
  std::map<std::string, std::string> lamp_env() const {
    return {{"OPENAI_API_KEY", kApiKey}, {"OPENAI_BASE_URL", base_url()}};
  }

  void enqueue(const nlohmann::json& actions);
  void set_default(const nlohmann::json& action);
  void reset();
  nlohmann::json log();

 private:
  nlohmann::json control(const std::string& method, const std::string& path, const nlohmann::json& body);

  TempDir dir_;
  boost::process::child child_;
  int port_ = 0;
};

}  // namespace lamp::harness
