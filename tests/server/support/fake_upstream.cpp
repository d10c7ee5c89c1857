// SPDX-License-Identifier: GPL-3.0-or-later
// FakeUpstream implementation: spawns the Python fixture and talks to its control API with curl.
#include "support/fake_upstream.hpp"

#include <curl/curl.h>
#include <signal.h>

#include <fstream>
#include <stdexcept>
#include <thread>

namespace bp = boost::process;

namespace lamp::harness {

FakeUpstream::FakeUpstream(std::string replies_dir) {
  if (replies_dir.empty()) replies_dir = std::string(LAMP_SOURCE_DIR) + "/tests/fixtures/replies";
  const auto port_file = dir_.file("port");
  child_ = bp::child(bp::search_path("python3"), std::string(LAMP_SOURCE_DIR) + "/tests/fixtures/fake_upstream.py",
                     "--api-key", kApiKey, "--replies", replies_dir, "--port-file", port_file,
                     bp::std_out > bp::null, bp::std_err > dir_.file("stderr"), bp::std_in < bp::null);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (port_ == 0) {
    std::ifstream in(port_file);
    if (!(in >> port_)) port_ = 0;
    if (port_ != 0) break;
    if (!child_.running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("fake upstream did not start: " + read_file(dir_.file("stderr")));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

FakeUpstream::~FakeUpstream() {
  std::error_code ec;
  if (child_.running(ec)) {
    ::kill(child_.id(), SIGKILL);
    child_.wait(ec);
  }
}

namespace {

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

nlohmann::json FakeUpstream::control(const std::string& method, const std::string& path,
                                     const nlohmann::json& body) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  const std::string url = base_url() + path;
  const std::string payload = body.is_null() ? "" : body.dump();
  std::string response;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(h.get(), CURLOPT_TIMEOUT, 10L);
  const CURLcode rc = curl_easy_perform(h.get());
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) throw std::runtime_error("fake upstream control " + path + ": " + curl_easy_strerror(rc));
  return nlohmann::json::parse(response);
}

void FakeUpstream::enqueue(const nlohmann::json& actions) { control("POST", "/_control/enqueue", actions); }
void FakeUpstream::set_default(const nlohmann::json& action) { control("POST", "/_control/default", action); }
void FakeUpstream::reset() { control("POST", "/_control/reset", nlohmann::json::object()); }
nlohmann::json FakeUpstream::log() { return control("GET", "/_control/log", nullptr); }

}  // namespace lamp::harness
