// SPDX-License-Identifier: GPL-3.0-or-later
// Poller implementation: an epoll descriptor inside asio's loop (see poller.hpp for why).
#include "transport/poller.hpp"

#include <boost/system/system_error.hpp>

#include <cerrno>

namespace lamp::transport {

namespace {

int new_epoll() {
  const int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) {
    throw boost::system::system_error(errno, boost::system::system_category(), "epoll_create1");
  }
  return fd;
}

void control(int epoll_fd, int op, int fd, Poller::Watcher* watcher, std::uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = watcher;
  if (::epoll_ctl(epoll_fd, op, fd, &ev) < 0) {
    throw boost::system::system_error(errno, boost::system::system_category(), "epoll_ctl");
  }
}

}  // namespace

Poller::Poller(boost::asio::io_context& io) : epoll_(io, new_epoll()) { wait(); }

void Poller::add(int fd, Watcher& watcher, std::uint32_t events) {
  control(epoll_.native_handle(), EPOLL_CTL_ADD, fd, &watcher, events);
}

void Poller::modify(int fd, Watcher& watcher, std::uint32_t events) {
  control(epoll_.native_handle(), EPOLL_CTL_MOD, fd, &watcher, events);
}

void Poller::remove(int fd, Watcher& watcher) {
  epoll_event ignored{};
  ::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_DEL, fd, &ignored);
  for (int i = batch_next_; i < batch_size_; ++i) {
    if (batch_[i].data.ptr == &watcher) batch_[i].data.ptr = nullptr;
  }
}

// The handler holds no pointer it could outlive: a destroyed poller closes its descriptor, and
// the wait then ends with operation_aborted before `this` is touched.
void Poller::wait() {
  epoll_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                    [this](const boost::system::error_code& ec) {
                      if (ec) return;  // operation_aborted: the poller is gone
                      deliver();
                      wait();
                    });
}

void Poller::deliver() {
  int n = ::epoll_wait(epoll_.native_handle(), batch_.data(), static_cast<int>(batch_.size()), 0);
  batch_size_ = n < 0 ? 0 : n;
  for (batch_next_ = 0; batch_next_ < batch_size_;) {
    const epoll_event ev = batch_[batch_next_++];
    if (ev.data.ptr != nullptr) static_cast<Watcher*>(ev.data.ptr)->on_events(ev.events);
  }
  batch_size_ = batch_next_ = 0;
}

}  // namespace lamp::transport
