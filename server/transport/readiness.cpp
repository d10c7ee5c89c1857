// SPDX-License-Identifier: GPL-3.0-or-later
// Readiness implementation: registration with asio's reactor (see readiness.hpp).
#include "transport/readiness.hpp"

#include <boost/system/system_error.hpp>

namespace lamp::transport {

Readiness::Readiness(boost::asio::io_context& io, int fd)
    : reactor_(boost::asio::use_service<Reactor>(io)), fd_(fd) {
  // Registration is edge-triggered for input, hang-up and errors; output readiness is added
  // by the reactor with the first wait for it.
  if (const int error = reactor_.register_descriptor(fd_, state_); error != 0) {
    reactor_.cleanup_descriptor_data(state_);
    throw boost::system::system_error(error, boost::system::system_category(), "epoll_ctl");
  }
  registered_ = true;
}

Readiness::~Readiness() { close(); }

void Readiness::close() {
  if (!registered_) return;
  registered_ = false;
  reactor_.deregister_descriptor(fd_, state_, false);
  reactor_.cleanup_descriptor_data(state_);
}

}  // namespace lamp::transport
