// SPDX-License-Identifier: GPL-3.0-or-later
// The libcurl functions lamp calls, loaded with dlopen the first time an upstream call is made,
// so an idle lamp does not map libcurl and the ~30 libraries it links (TLS, Kerberos, LDAP...).
#pragma once

#include <curl/curl.h>

namespace lamp::upstream {

struct CurlApi {
  decltype(&curl_global_init) global_init;
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
  decltype(&curl_multi_init) multi_init;
  decltype(&curl_multi_setopt) multi_setopt;
  decltype(&curl_multi_add_handle) multi_add_handle;
  decltype(&curl_multi_remove_handle) multi_remove_handle;
  decltype(&curl_multi_perform) multi_perform;
  decltype(&curl_multi_info_read) multi_info_read;
  decltype(&curl_multi_poll) multi_poll;
  decltype(&curl_multi_wakeup) multi_wakeup;
  decltype(&curl_multi_cleanup) multi_cleanup;
};

// libcurl (libcurl.so.4), loaded and initialised (curl_global_init) on the first call; later
// calls return the same table. Thread-safe. Throws std::runtime_error naming what failed when
// the library or one of its functions cannot be loaded, or its initialisation fails.
const CurlApi& curl_api();

}  // namespace lamp::upstream
