// SPDX-License-Identifier: GPL-3.0-or-later
// Loading libcurl on demand: dlopen once, every function looked up by name.
#include "upstream/curl_api.hpp"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace lamp::upstream {
namespace {

template <typename F>
void bind(void* library, F& slot, const char* name) {
  void* symbol = ::dlsym(library, name);
  if (symbol == nullptr) throw std::runtime_error(std::string("libcurl has no ") + name);
  slot = reinterpret_cast<F>(symbol);
}

CurlApi load() {
  // Never closed: libcurl keeps global state (and its TLS library's) for the life of lamp.
  void* library = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = ::dlerror();
    throw std::runtime_error(std::string("cannot load libcurl.so.4: ") + (why ? why : "unknown error"));
  }
  CurlApi api{};
  bind(library, api.global_init, "curl_global_init");
  bind(library, api.easy_init, "curl_easy_init");
  bind(library, api.easy_setopt, "curl_easy_setopt");
  bind(library, api.easy_getinfo, "curl_easy_getinfo");
  bind(library, api.easy_cleanup, "curl_easy_cleanup");
  bind(library, api.easy_strerror, "curl_easy_strerror");
  bind(library, api.slist_append, "curl_slist_append");
  bind(library, api.slist_free_all, "curl_slist_free_all");
  bind(library, api.multi_init, "curl_multi_init");
  bind(library, api.multi_setopt, "curl_multi_setopt");
  bind(library, api.multi_add_handle, "curl_multi_add_handle");
  bind(library, api.multi_remove_handle, "curl_multi_remove_handle");
  bind(library, api.multi_perform, "curl_multi_perform");
  bind(library, api.multi_info_read, "curl_multi_info_read");
  bind(library, api.multi_poll, "curl_multi_poll");
  bind(library, api.multi_wakeup, "curl_multi_wakeup");
  bind(library, api.multi_cleanup, "curl_multi_cleanup");
  if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
  return api;
}

}  // namespace

const CurlApi& curl_api() {
  // A failed load throws out of the initialiser, so the next call tries again.
  static const CurlApi api = load();
  return api;
}

}  // namespace lamp::upstream
