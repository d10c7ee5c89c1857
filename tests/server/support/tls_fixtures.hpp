// SPDX-License-Identifier: GPL-3.0-or-later
// Test support for HTTPS: a throw-away CA and server certificates made at test time with
// openssl (tests/fixtures/make_test_certs.sh), and a local HTTP CONNECT proxy that records
// the tunnels it opens (tests/fixtures/connect_proxy.py).
#pragma once

#include "support/lamp_process.hpp"

#include <string>
#include <vector>

namespace lamp::harness {

class TestCertificates {
 public:
  TestCertificates();
  std::string ca_file() const { return dir_.file("ca.pem"); }  // PEM, for SSL_CERT_FILE
  std::string ca_dir() const { return dir_.file("cadir"); }    // hashed, for SSL_CERT_DIR
  std::string server_cert() const { return dir_.file("server.pem"); }  // signed by the CA
  std::string server_key() const { return dir_.file("server-key.pem"); }
  std::string self_signed_cert() const { return dir_.file("self-signed.pem"); }
  std::string self_signed_key() const { return dir_.file("self-signed-key.pem"); }

 private:
  TempDir dir_;
};

class ConnectProxy {
 public:
  ConnectProxy();
  ~ConnectProxy();
  ConnectProxy(const ConnectProxy&) = delete;
  ConnectProxy& operator=(const ConnectProxy&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The host:port of every CONNECT so far, in order.
  std::vector<std::string> tunnels() const;

 private:
  TempDir dir_;
  boost::process::child child_;
  int port_ = 0;
};

}  // namespace lamp::harness
