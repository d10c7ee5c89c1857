// SPDX-License-Identifier: GPL-3.0-or-later
// FakeUpstream implementation: spawns the Python fixture and talks to its control API with curl.
#include "support/fake_upstream.hpp"

#include <curl/curl.h>

#include <stdexcept>

namespace bp = boost::process;

namespace lamp::harness {

FakeUpstream::FakeUpstream(Options options) : options_(std::move(options)) {
  if (options_.replies_dir.empty()) options_.replies_dir = std::string(LAMP_SOURCE_DIR) + "/tests/fixtures/replies";
  const auto port_file = dir_.file("port");
  std::vector<std::string> args = {std::string(LAMP_SOURCE_DIR) + "/tests/fixtures/fake_upstream.py",
                                   "--api-key", kApiKey, "--replies", options_.replies_dir,
                                   "--port-file", port_file};
  if (!options_.tls_cert.empty()) {
    args.insert(args.end(), {"--tls-cert", options_.tls_cert, "--tls-key", options_.tls_key});
  }
  if (!options_.chat_path.empty()) args.insert(args.end(), {"--chat-path", options_.chat_path});
  if (options_.allow_no_auth) args.emplace_back("--allow-no-auth");
  child_ = bp::child(bp::search_path("python3"), bp::args(args), bp::std_out > bp::null,
                     bp::std_err > dir_.file("stderr"), bp::std_in < bp::null);
  wait_until_ready(child_, [&] { return (port_ = read_port(port_file)) != 0; },
                   [&] { return "fake upstream did not start: " + read_file(dir_.file("stderr")); });
}

FakeUpstream::~FakeUpstream() { kill_and_reap(child_); }

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
  curl_easy_setopt(h.get(), CURLOPT_NOPROXY, "*");
  if (!options_.ca_file.empty()) curl_easy_setopt(h.get(), CURLOPT_CAINFO, options_.ca_file.c_str());
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
