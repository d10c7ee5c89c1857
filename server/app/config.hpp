// SPDX-License-Identifier: GPL-3.0-or-later
// Config: the server's settings from the environment (docs/protocol.md, Environment). The API key
// is held here and nowhere else; it is never printed.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lamp::app {

struct Config {
  std::string api_key;   // empty when OPENAI_API_KEY is unset
  std::string base_url;  // as configured, without a trailing slash
  std::string chat_url;  // chat_completions_url(base_url)
  bool local_upstream = false;  // base_url's host is loopback: no key needed
  std::string ca_file;   // SSL_CERT_FILE: a PEM file of CA certificates, instead of the default bundle
  std::string ca_dir;    // SSL_CERT_DIR: a directory of hashed CA certificates, instead of the default
  std::string default_model = "gpt-4o-mini";
  std::optional<std::vector<std::string>> allowed_models;  // LAMP_MODELS, when set
  int max_concurrency = 10;
  int max_queue = 100;
  int timeout_s = 60;
  int max_retries = 4;
  int deadline_s = 300;  // a request's overall upstream deadline, retries included
  int check_timeout_s = 5;  // LAMP_CHECK_TIMEOUT_S: time limit of one syntax check of a proposal
  int repo_map_bytes = 4096;    // LAMP_REPO_MAP_BYTES: cap of wisp.patch's project map (0: no map)
  int full_file_bytes = 24576;  // LAMP_FULL_FILE_BYTES: a bigger file is shown to the model as an excerpt

  // Reads the process environment. Throws std::invalid_argument naming a malformed variable.
  static Config from_env();
  // The base URL with any user:password@ part removed, safe to show.
  std::string display_base_url() const;
  // The same for the chat-completions URL.
  std::string display_chat_url() const;
  // Calls need OPENAI_API_KEY: it is not set and the upstream is not on this machine.
  bool missing_key() const { return api_key.empty() && !local_upstream; }
};

// Wipes the value of environment variable `name` in place, then unsets it. /proc/PID/environ
// shows the environment block the process started with, which unsetenv alone leaves intact.
// Call once everything that needs the value has copied it (Config::from_env).
void scrub_environment_variable(const char* name);

}  // namespace lamp::app
