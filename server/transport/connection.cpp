// SPDX-License-Identifier: GPL-3.0-or-later
// Connection implementation on Boost.Asio; everything runs on the server's executor.
#include "transport/connection.hpp"

#include "log.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include <poll.h>

namespace lamp::transport {

Connection::Connection(Socket socket, const rpc::MethodRegistry& registry,
                       rpc::DispatchStats& stats, ConnectionLimits limits, ReadBuffer& scratch,
                       ClosedHandler on_closed)
    : socket_(std::move(socket)),
      scratch_(scratch),
      limits_(limits),
      splitter_(limits.max_message_bytes),
      on_closed_(std::move(on_closed)) {
  // The writer holds the connection weakly: a dispatcher outliving its socket writes nothing.
  dispatcher_ = std::make_shared<rpc::Dispatcher>(
      registry, socket_.get_executor(), stats, limits.max_message_bytes,
      [this](std::string bytes) { write(std::move(bytes)); });
}

// The dispatcher's writer points at this connection; silence it before the connection goes.
Connection::~Connection() { dispatcher_->close(); }

void Connection::start() {
  socket_.non_blocking(true);
  read();
}

// Waits for readability, then reads into the server's shared buffer: an idle connection holds
// no read buffer of its own (one event loop thread, so one buffer serves every connection).
void Connection::read() {
  socket_.async_wait(
      Socket::wait_read, [self = shared_from_this()](boost::system::error_code ec) {
        if (self->closed_ || self->reading_stopped_) return;
        std::size_t n = 0;
        if (!ec) n = self->socket_.read_some(boost::asio::buffer(self->scratch_), ec);
        if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
          self->read();
          return;
        }
        if (ec) {
          // A client that only shut down its sending side (`nc` at end of input) still gets
          // its replies; one that is gone has its calls cancelled at once.
          if (ec == boost::asio::error::eof && !self->peer_hung_up()) {
            self->stop_reading();
          } else {
            self->close();
          }
          return;
        }
        self->splitter_.feed(std::string_view(self->scratch_.data(), n));
        while (auto frame = self->splitter_.next()) {
          self->dispatcher_->on_frame(std::move(*frame));
          if (self->closed_) return;
        }
        self->read();
      });
}

bool Connection::peer_hung_up() {
  pollfd pfd{socket_.native_handle(), POLLOUT, 0};
  return ::poll(&pfd, 1, 0) < 0 || (pfd.revents & (POLLHUP | POLLERR)) != 0;
}

void Connection::write(std::string bytes) {
  if (closed_) return;
  if (pending_.empty()) {
    pending_ = std::move(bytes);
  } else {
    pending_ += bytes;
  }
  if (pending_.size() + writing_.size() > limits_.max_output_bytes) {
    log::warn("dropping a client that does not read its replies (",
              pending_.size() + writing_.size(), " bytes waiting)");
    close();
    return;
  }
  if (writing_.empty()) flush();
}

void Connection::flush() {
  writing_ = std::move(pending_);
  pending_.clear();
  boost::asio::async_write(
      socket_, boost::asio::buffer(writing_),
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
        self->writing_.clear();
        if (self->closed_) return;
        if (ec) {
          self->close();
        } else if (!self->pending_.empty()) {
          self->flush();
        } else if (self->reading_stopped_ && self->dispatcher_->in_flight() == 0) {
          self->close();
        }
      });
}

void Connection::stop_reading() {
  if (closed_) return;
  reading_stopped_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(Socket::shutdown_receive, ignored);
  if (writing_.empty() && pending_.empty() && dispatcher_->in_flight() == 0) close();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  std::string().swap(pending_);  // a dropped slow reader's backlog goes at once
  dispatcher_->close();
  boost::system::error_code ignored;
  socket_.close(ignored);
  if (on_closed_) on_closed_(this);
}

}  // namespace lamp::transport
