// SPDX-License-Identifier: GPL-3.0-or-later
// chat_bench: lamp's proxy overhead (lamp→upstream vs a direct HTTP call to the same upstream,
// same run) and the wall time of N concurrent slow upstream calls through lamp.
#include "client/rpc_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

using lamp::client::RpcClient;
using lamp::proto::json;
using Clock = std::chrono::steady_clock;

namespace {

const json kBody = {{"model", "gpt-4o-mini"},
                    {"messages", json::array({{{"role", "user"}, {"content", "Say hello"}}})}};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

std::vector<double> direct(const std::string& url, const std::string& key, int n) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  const std::string body = kBody.dump();
  const std::string auth = "Authorization: Bearer " + key;
  curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, discard);
  std::vector<double> us;
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    if (curl_easy_perform(h.get()) != CURLE_OK) throw std::runtime_error("direct call failed");
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  curl_slist_free_all(headers);
  return us;
}

std::vector<double> via_lamp(const std::string& socket, int n) {
  RpcClient c(socket);
  std::vector<double> us;
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    c.call("chat.completions", kBody);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  return us;
}

// Sends n requests at once on one connection and waits for all replies.
double concurrent_wall_ms(const std::string& socket, int n) {
  RpcClient c(socket);
  std::string burst;
  for (int i = 0; i < n; ++i) burst += lamp::proto::dump(lamp::proto::make_request(i, "chat.completions", kBody)) + "\n";
  const auto t0 = Clock::now();
  c.send_raw(burst);
  int answered = 0;
  while (answered < n) {
    auto m = c.read_message(std::chrono::seconds(60));
    if (!m) throw std::runtime_error("timed out waiting for replies");
    if (m->contains("method")) continue;
    if (!m->contains("result")) throw std::runtime_error("error reply: " + m->dump());
    ++answered;
  }
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode, socket, url, key = "sk-bench";
  int n = 300;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--mode") mode = argv[i + 1];
    else if (a == "--socket") socket = argv[i + 1];
    else if (a == "--url") url = argv[i + 1];
    else if (a == "--key") key = argv[i + 1];
    else if (a == "-n") n = std::stoi(argv[i + 1]);
  }
  try {
    if (mode == "overhead") {
      via_lamp(socket, 20);  // warm up both paths (connections, caches)
      direct(url, key, 20);
      const auto d = direct(url, key, n);
      const auto l = via_lamp(socket, n);
      std::printf("%-8s %8s %10s %10s\n", "path", "n", "p50 µs", "p99 µs");
      std::printf("%-8s %8d %10.0f %10.0f\n", "direct", n, percentile(d, 0.5), percentile(d, 0.99));
      std::printf("%-8s %8d %10.0f %10.0f\n", "lamp", n, percentile(l, 0.5), percentile(l, 0.99));
      const double added = percentile(l, 0.5) - percentile(d, 0.5);
      std::printf("added by lamp at p50: %.0f µs (target ≤ 1000 µs: %s)\n", added, added <= 1000 ? "met" : "MISSED");
    } else if (mode == "concurrent") {
      std::printf("%.0f\n", concurrent_wall_ms(socket, n));
    } else {
      std::fprintf(stderr, "usage: chat_bench --mode overhead|concurrent --socket S [--url U --key K] [-n N]\n");
      return 2;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chat_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
