// SPDX-License-Identifier: GPL-3.0-or-later
// Poller: one level-triggered epoll set for the client sockets, watched as a whole by the asio
// loop. A request then costs one recv and one send; asio's own reactor would re-arm every socket
// with an epoll_ctl per read (edge-triggered, one-shot waits).
#pragma once

#include "proto/unique_fd.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <sys/epoll.h>

#include <array>
#include <cstdint>

namespace lamp::transport {

class Poller {
 public:
  // Something registered with the poller: told which events (EPOLLIN, EPOLLOUT, EPOLLHUP...)
  // its descriptor has.
  class Watcher {
   public:
    virtual void on_events(std::uint32_t events) = 0;

   protected:
    ~Watcher() = default;
  };

  explicit Poller(boost::asio::io_context& io);
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Level-triggered interest in `events` for `fd`; EPOLLHUP and EPOLLERR are always reported.
  void add(int fd, Watcher& watcher, std::uint32_t events);
  void modify(int fd, Watcher& watcher, std::uint32_t events);
  // Forgets `fd`, including events already fetched for it and not yet delivered.
  void remove(int fd, Watcher& watcher);

 private:
  void wait();
  void deliver();

  boost::asio::posix::stream_descriptor epoll_;
  // Events of one pass; at most this many sockets are served per pass, the rest in the next.
  std::array<epoll_event, 256> batch_{};
  int batch_size_ = 0;
  int batch_next_ = 0;
};

}  // namespace lamp::transport
