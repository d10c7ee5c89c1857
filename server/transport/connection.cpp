// SPDX-License-Identifier: GPL-3.0-or-later
// Connection implementation: non-blocking recv/send on the event loop thread, edge-triggered
// readiness waits (transport/readiness.hpp). One recv per pass keeps connections fair: a socket
// with more waiting than the buffer holds is read again after the other ready connections.
#include "transport/connection.hpp"

#include "log.hpp"

#include <boost/asio/post.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace lamp::transport {

namespace {
// An output buffer that grew past this for one big reply is given back once it is sent.
constexpr std::size_t kKeptOutputCapacity = 64 * 1024;
}  // namespace

Connection::Connection(proto::UniqueFd socket, rpc::Executor executor,
                       const rpc::MethodRegistry& registry, rpc::DispatchStats& stats,
                       ConnectionLimits limits, ReadBuffer& scratch, ClosedHandler on_closed)
    : socket_(std::move(socket)),
      executor_(executor),
      readiness_(executor.context(), socket_.get()),
      scratch_(scratch),
      limits_(limits),
      splitter_(limits.max_message_bytes),
      on_closed_(std::move(on_closed)) {
  // The writer points at this connection; the destructor silences it before the connection goes.
  dispatcher_ = std::make_shared<rpc::Dispatcher>(
      registry, std::move(executor), stats, limits.max_message_bytes,
      [this](std::string bytes) { write(std::move(bytes)); });
}

Connection::~Connection() { dispatcher_->close(); }

void Connection::start() { wait_readable(); }

void Connection::wait_readable() {
  wait(Readiness::Event::readable, read_waiting_, &Connection::on_readable);
}

// Continuations hold the connection weakly: its owner decides when it goes, and one that runs
// after that does nothing. `waiting` is a member of the connection, so valid while it lives.
auto Connection::resume(bool& waiting, void (Connection::*next)()) {
  return [weak = weak_from_this(), &waiting, next] {
    if (const auto self = weak.lock()) {
      waiting = false;
      ((*self).*next)();
    }
  };
}

void Connection::wait(Readiness::Event event, bool& waiting, void (Connection::*next)()) {
  if (closed_ || waiting) return;
  waiting = true;
  readiness_.wait(event, [then = resume(waiting, next)](const boost::system::error_code& ec) {
    if (!ec) then();
  });
}

void Connection::on_readable() {
  if (closed_) return;
  if (!reading_stopped_) {
    read();
  } else if (peer_hung_up()) {
    // Reading has stopped and the peer is gone too: nobody is left to write to.
    close();
    return;
  }
  wait_readable();
}

// One recv per ready pass into the server's shared buffer: an idle connection holds no read
// buffer of its own (one event loop thread, so one buffer serves every connection). A recv that
// fills the buffer may have left more behind, which no new edge will announce: the next pass is
// posted, behind the connections already waiting for the loop.
void Connection::read() {
  const ssize_t n = ::recv(socket_.get(), scratch_.data(), scratch_.size(), MSG_DONTWAIT);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) close();
    return;
  }
  if (n == 0) {
    // A client that only shut down its sending side (`nc` at end of input) still gets its
    // replies; one that is gone has its calls cancelled at once.
    if (peer_hung_up()) {
      close();
    } else {
      stop_reading();
    }
    return;
  }
  splitter_.feed(std::string_view(scratch_.data(), static_cast<std::size_t>(n)));
  gathering_ = true;
  while (auto frame = splitter_.next()) {
    dispatcher_->on_frame(std::move(*frame));
    if (closed_) return;
  }
  gathering_ = false;
  flush();
  if (closed_ || static_cast<std::size_t>(n) < scratch_.size()) return;
  read_waiting_ = true;
  boost::asio::post(executor_, resume(read_waiting_, &Connection::on_readable));
}

bool Connection::peer_hung_up() const {
  pollfd pfd{socket_.get(), POLLOUT, 0};
  return ::poll(&pfd, 1, 0) < 0 || (pfd.revents & (POLLHUP | POLLERR)) != 0;
}

void Connection::write(std::string bytes) {
  if (closed_) return;
  if (output_sent_ == output_.size() && output_.capacity() < bytes.size()) {
    output_ = std::move(bytes);
    output_sent_ = 0;
  } else {
    output_ += bytes;
  }
  const std::size_t waiting = output_.size() - output_sent_;
  if (waiting > limits_.max_output_bytes) {
    log::warn("dropping a client that does not read its replies (", waiting, " bytes waiting)");
    close();
    return;
  }
  // Replies made while a read is dispatched go out together at its end; a socket that is full
  // is written when it has room.
  if (!gathering_ && !write_waiting_) flush();
}

void Connection::flush() {
  while (output_sent_ < output_.size()) {
    const ssize_t n = ::send(socket_.get(), output_.data() + output_sent_,
                             output_.size() - output_sent_, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
      output_sent_ += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    } else if (errno != EINTR) {
      close();
      return;
    }
  }
  if (output_sent_ == output_.size()) {
    if (output_.capacity() > kKeptOutputCapacity) {
      std::string().swap(output_);
    } else {
      output_.clear();
    }
    output_sent_ = 0;
  } else if (output_sent_ > output_.size() / 2) {
    output_.erase(0, output_sent_);  // at most once per half of the buffer sent
    output_sent_ = 0;
  }
  if (!output_.empty()) wait(Readiness::Event::writable, write_waiting_, &Connection::flush);
  if (reading_stopped_ && output_.empty() && in_flight() == 0) close();
}

void Connection::stop_reading() {
  if (closed_ || reading_stopped_) return;
  reading_stopped_ = true;
  ::shutdown(socket_.get(), SHUT_RD);
  flush();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  std::string().swap(output_);  // a dropped slow reader's backlog goes at once
  dispatcher_->close();
  readiness_.close();
  socket_.reset();
  if (on_closed_) on_closed_(this);
}

}  // namespace lamp::transport
