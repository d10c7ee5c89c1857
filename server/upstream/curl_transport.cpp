// SPDX-License-Identifier: GPL-3.0-or-later
// CurlTransport implementation: a command inbox, curl_multi_poll, and curl_multi_wakeup, started
// (and libcurl loaded) by the first transfer.
#include "upstream/curl_transport.hpp"

#include "log.hpp"
#include "upstream/curl_api.hpp"
#include "upstream/request_log.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

namespace lamp::upstream {
namespace {

struct EasyDeleter {
  void operator()(CURL* h) const { curl_api().easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_api().slist_free_all(l); }
};
struct MultiDeleter {
  void operator()(CURLM* m) const { curl_api().multi_cleanup(m); }
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool header_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  return std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

// One transfer; lives on the transport thread only.
struct Transfer {
  CurlTransport::TransferId id = 0;
  std::unique_ptr<CURL, EasyDeleter> easy;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  HttpRequest request;
  HttpResponse response;
  CurlTransport::ChunkHandler on_chunk;
  CurlTransport::DoneHandler on_done;
  char error[CURL_ERROR_SIZE] = {};

  bool streams_body() const {
    return request.streaming && response.status >= 200 && response.status < 300 &&
           response.content_type.find("text/event-stream") != std::string::npos;
  }
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line = trim(std::string_view(data, size * n));
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 100 Continue or a redirect)
    t->response.retry_after.reset();
    t->response.content_type.clear();
    const auto sp = line.find(' ');
    t->response.status = sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
  } else if (header_is(line, "retry-after")) {
    t->response.retry_after = std::string(trim(line.substr(12)));
  } else if (header_is(line, "content-type")) {
    t->response.content_type = std::string(trim(line.substr(13)));
  }
  return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view bytes(data, size * n);
  if (t->streams_body() && t->on_chunk) {
    t->on_chunk(bytes);
  } else if (t->response.body.size() < (64u << 20)) {  // bound what a broken upstream can send
    t->response.body.append(bytes);
  }
  return size * n;
}

constexpr const char* kTrustHint =
    "to trust a corporate or self-hosted CA, set SSL_CERT_FILE (a PEM file of CA certificates) "
    "or SSL_CERT_DIR (a directory of hashed certificates) in lamp's environment";

// Failures a retry cannot fix, with what to do about them; nullptr for the others.
const char* permanent_failure_hint(CURLcode code) {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
      return kTrustHint;
    case CURLE_SSL_CACERT_BADFILE:
      return "the CA certificates cannot be read: check SSL_CERT_FILE and SSL_CERT_DIR";
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
      return "a TLS setting or certificate is wrong; retrying cannot help";
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return "check OPENAI_BASE_URL (an http:// or https:// URL)";
    default:
      return nullptr;
  }
}

}  // namespace

class CurlTransport::Impl {
 public:
  explicit Impl(TlsTrust trust) : trust_(std::move(trust)) {
    multi_.reset(curl_api().multi_init());
    if (!multi_) throw std::runtime_error("curl_multi_init failed");
    curl_api().multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, 64L);
    thread_ = std::thread([this] { run(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    curl_api().multi_wakeup(multi_.get());
    thread_.join();
  }

  TransferId start(HttpRequest request, ChunkHandler on_chunk, DoneHandler on_done) {
    auto t = std::make_unique<Transfer>();
    t->request = std::move(request);
    t->on_chunk = std::move(on_chunk);
    t->on_done = std::move(on_done);
    TransferId id;
    {
      std::lock_guard lock(mutex_);
      id = t->id = ++last_id_;
      to_start_.push_back(std::move(t));
    }
    curl_api().multi_wakeup(multi_.get());
    return id;
  }

  void cancel(TransferId id) {
    {
      std::lock_guard lock(mutex_);
      to_cancel_.push_back(id);
    }
    curl_api().multi_wakeup(multi_.get());
  }

 private:
  void run() {
    for (;;) {
      std::vector<std::unique_ptr<Transfer>> starting;
      std::vector<TransferId> cancelling;
      {
        std::lock_guard lock(mutex_);
        if (stopping_) break;
        starting.swap(to_start_);
        cancelling.swap(to_cancel_);
      }
      for (auto& t : starting) add(std::move(t));
      for (TransferId id : cancelling) remove(id);
      int running = 0;
      curl_api().multi_perform(multi_.get(), &running);
      int queued = 0;
      while (CURLMsg* msg = curl_api().multi_info_read(multi_.get(), &queued)) {
        if (msg->msg == CURLMSG_DONE) finish(msg->easy_handle, msg->data.result);
      }
      curl_api().multi_poll(multi_.get(), nullptr, 0, 1000, nullptr);
    }
    for (auto& [easy, t] : std::exchange(active_, {})) curl_api().multi_remove_handle(multi_.get(), easy);
  }

  void add(std::unique_ptr<Transfer> t) {
    // Opt-in (LAMP_LOG=debug) and redacted; at other levels nothing about requests is logged.
    if (log::threshold() >= log::Level::debug) {
      log::debug("upstream request ", t->id, ": ", describe_for_log(t->request));
    }
    t->easy.reset(curl_api().easy_init());
    CURL* h = t->easy.get();
    curl_slist* list = nullptr;
    for (const auto& header : t->request.headers) list = curl_api().slist_append(list, header.c_str());
    list = curl_api().slist_append(list, "Expect:");  // no 100-continue round trip
    t->headers.reset(list);
    curl_api().easy_setopt(h, CURLOPT_URL, t->request.url.c_str());
    curl_api().easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_api().easy_setopt(h, CURLOPT_POST, 1L);
    curl_api().easy_setopt(h, CURLOPT_POSTFIELDS, t->request.body.data());
    curl_api().easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->request.body.size()));
    curl_api().easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_api().easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_api().easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, std::min(t->request.timeout_ms, 30000L));
    // Proxies come from the environment (HTTPS_PROXY, https_proxy, http_proxy, NO_PROXY), as
    // libcurl reads them when CURLOPT_PROXY is not set.
    if (!trust_.ca_file.empty()) curl_api().easy_setopt(h, CURLOPT_CAINFO, trust_.ca_file.c_str());
    if (!trust_.ca_dir.empty()) curl_api().easy_setopt(h, CURLOPT_CAPATH, trust_.ca_dir.c_str());
    if (t->request.streaming) {
      curl_api().easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
      curl_api().easy_setopt(h, CURLOPT_LOW_SPEED_TIME, t->request.idle_timeout_s);
      if (t->request.stream_timeout_ms > 0) {
        curl_api().easy_setopt(h, CURLOPT_TIMEOUT_MS, t->request.stream_timeout_ms);
      }
    } else {
      curl_api().easy_setopt(h, CURLOPT_TIMEOUT_MS, t->request.timeout_ms);
    }
    curl_api().easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_api().easy_setopt(h, CURLOPT_HEADERDATA, t.get());
    curl_api().easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_api().easy_setopt(h, CURLOPT_WRITEDATA, t.get());
    curl_api().easy_setopt(h, CURLOPT_ERRORBUFFER, t->error);
    curl_api().easy_setopt(h, CURLOPT_PRIVATE, t.get());
    by_id_[t->id] = h;
    curl_api().multi_add_handle(multi_.get(), h);
    active_.emplace(h, std::move(t));
  }

  void remove(TransferId id) {
    const auto it = by_id_.find(id);
    if (it == by_id_.end()) return;  // already finished
    CURL* h = it->second;
    by_id_.erase(it);
    curl_api().multi_remove_handle(multi_.get(), h);
    active_.erase(h);  // closes the easy handle and, mid-transfer, its connection
  }

  void finish(CURL* h, CURLcode code) {
    const auto it = active_.find(h);
    if (it == active_.end()) return;
    auto t = std::move(it->second);
    active_.erase(it);
    by_id_.erase(t->id);
    curl_api().multi_remove_handle(multi_.get(), h);
    t->response.curl_code = static_cast<int>(code);
    if (code != CURLE_OK) {
      t->response.curl_error = t->error[0] ? t->error : curl_api().easy_strerror(code);
      t->response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
      if (const char* hint = permanent_failure_hint(code)) {
        t->response.permanent = true;
        t->response.hint = hint;
      }
    }
    long status = 0;
    curl_api().easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status != 0) t->response.status = status;
    log::debug("upstream reply ", t->id, ": HTTP ", t->response.status, ", ",
               t->response.body.size(), " bytes", code != CURLE_OK ? ", transfer failed" : "");
    t->on_done(std::move(t->response));
  }

  const TlsTrust trust_;
  std::unique_ptr<CURLM, MultiDeleter> multi_;
  std::thread thread_;
  std::mutex mutex_;
  bool stopping_ = false;
  TransferId last_id_ = 0;
  std::vector<std::unique_ptr<Transfer>> to_start_;
  std::vector<TransferId> to_cancel_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active_;
  std::unordered_map<TransferId, CURL*> by_id_;
};

CurlTransport::CurlTransport(TlsTrust trust) : trust_(std::move(trust)) {}
CurlTransport::~CurlTransport() = default;

CurlTransport::Impl& CurlTransport::impl() {
  std::call_once(started_, [this] { impl_ = std::make_unique<Impl>(trust_); });
  return *impl_;
}

CurlTransport::TransferId CurlTransport::start(HttpRequest request, ChunkHandler on_chunk,
                                               DoneHandler on_done) {
  return impl().start(std::move(request), std::move(on_chunk), std::move(on_done));
}

void CurlTransport::cancel(TransferId id) { impl().cancel(id); }

}  // namespace lamp::upstream
