// SPDX-License-Identifier: GPL-3.0-or-later
// Readiness: edge-triggered "readable"/"writable" waits for one descriptor, on asio's own epoll
// reactor. asio's public async_wait issues an epoll_ctl for every wait and async_read_some an
// extra recv that fails with EAGAIN; these waits cost no system call while they are armed, so
// an idle-to-busy round trip costs epoll_wait, recv and send, as in a hand-written epoll loop.
//
// It uses the reactor's operation interface from asio's detail namespace (Boost 1.74, the
// version Debian 12 ships), the interface asio's own socket operations are built on.
//
// A wait's completion is a hint, as with any edge-triggered readiness: the owner tries the I/O
// (getting EAGAIN at worst) and waits again once it has drained what it will take this pass.
#pragma once

// io_context first: it brings in the scheduler the reactor's inline functions need.
#include <boost/asio/io_context.hpp>

#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>

#include <memory>
#include <utility>

#if !defined(BOOST_ASIO_HAS_EPOLL)
#error "lamp's transport needs asio's epoll reactor (Linux)"
#endif

namespace lamp::transport {

class Readiness {
 public:
  // Registers `fd`, a non-blocking descriptor the caller keeps open until close().
  Readiness(boost::asio::io_context& io, int fd);
  ~Readiness();
  Readiness(const Readiness&) = delete;
  Readiness& operator=(const Readiness&) = delete;

  enum class Event { readable, writable };

  // `handler(error_code)` runs on the io_context's thread once the descriptor may be readable
  // (or hung up, or in error) or writable, or with operation_aborted after close(). One wait
  // per event at a time.
  template <class Handler>
  void wait(Event event, Handler handler) {
    start(event == Event::readable ? Reactor::read_op : Reactor::write_op, std::move(handler));
  }

  // Forgets the descriptor before the caller closes it; pending waits end with
  // operation_aborted.
  void close();

 private:
  using Reactor = boost::asio::detail::reactor;

  template <class Handler>
  class Op : public boost::asio::detail::reactor_op {
   public:
    explicit Op(Handler handler)
        : reactor_op(boost::system::error_code(), &Op::perform, &Op::complete),
          handler_(std::move(handler)) {}

   private:
    // Called by the reactor when the descriptor's events fire, and speculatively when a wait
    // starts right after some: either way, "try the I/O". done_and_exhausted stops the
    // reactor from calling it speculatively again until the next event, so a wait started
    // after the owner drained the descriptor costs nothing until new data arrives.
    static status perform(reactor_op*) { return done_and_exhausted; }

    // `owner` is null when the io_context is destroyed with the wait pending.
    static void complete(void* owner, boost::asio::detail::operation* base,
                         const boost::system::error_code&, std::size_t) {
      std::unique_ptr<Op> op(static_cast<Op*>(base));
      const boost::system::error_code ec = op->ec_;
      Handler handler = std::move(op->handler_);
      op.reset();
      if (owner != nullptr) handler(ec);
    }

    Handler handler_;
  };

  template <class Handler>
  void start(int op_type, Handler handler) {
    // The reactor owns the operation until it completes it (complete() above deletes it).
    auto op = std::make_unique<Op<Handler>>(std::move(handler));
    if (!registered_) {
      op->ec_ = boost::asio::error::operation_aborted;
      reactor_.post_immediate_completion(op.release(), false);
      return;
    }
    reactor_.start_op(op_type, fd_, state_, op.release(), false, true);
  }

  Reactor& reactor_;
  int fd_;
  Reactor::per_descriptor_data state_ = nullptr;
  bool registered_ = false;
};

}  // namespace lamp::transport
