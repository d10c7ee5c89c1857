// SPDX-License-Identifier: GPL-3.0-or-later
// TestCertificates and ConnectProxy: the helper scripts run as real processes.
#include "support/tls_fixtures.hpp"

#include <fstream>
#include <stdexcept>

namespace bp = boost::process;

namespace lamp::harness {

TestCertificates::TestCertificates() {
  const int rc = bp::system(bp::search_path("bash"), std::string(LAMP_SOURCE_DIR) + "/tests/fixtures/make_test_certs.sh",
                            dir_.path(), bp::std_out > bp::null, bp::std_err > dir_.file("stderr"),
                            bp::std_in < bp::null);
  if (rc != 0) throw std::runtime_error("make_test_certs.sh failed: " + read_file(dir_.file("stderr")));
}

ConnectProxy::ConnectProxy() {
  const auto port_file = dir_.file("port");
  child_ = bp::child(bp::search_path("python3"), std::string(LAMP_SOURCE_DIR) + "/tests/fixtures/connect_proxy.py",
                     "--port-file", port_file, "--log", dir_.file("tunnels"), bp::std_out > bp::null,
                     bp::std_err > dir_.file("stderr"), bp::std_in < bp::null);
  wait_until_ready(child_, [&] { return (port_ = read_port(port_file)) != 0; },
                   [&] { return "connect proxy did not start: " + read_file(dir_.file("stderr")); });
}

ConnectProxy::~ConnectProxy() { kill_and_reap(child_); }

std::vector<std::string> ConnectProxy::tunnels() const {
  std::vector<std::string> out;
  std::ifstream in(dir_.file("tunnels"));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace lamp::harness
