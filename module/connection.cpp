// SPDX-License-Identifier: GPL-3.0-or-later
// Connection implementation: a poll loop on the socket and a self-pipe, frames split with the
// shared proto::FrameSplitter, messages parsed into JsonTapes before Emacs sees them.
#include "connection.hpp"

#include "proto/frame_splitter.hpp"
#include "proto/socket_path.hpp"
#include "proto/utf8.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace lamp::module {
namespace {

constexpr std::size_t kReadChunk = 256 * 1024;
constexpr std::size_t kProblemExcerpt = 200;

std::string errno_text(const char* what, int err) { return std::string(what) + ": " + std::strerror(err); }

void write_byte(int fd) {
  if (fd < 0) return;
  const char byte = '\n';
  // EAGAIN means the pipe already holds unread bytes, which wake Emacs just as well.
  while (::write(fd, &byte, 1) < 0 && errno == EINTR) {
  }
}

UniqueFd connect_unix(const std::string& path) {
  const auto addr = proto::unix_address(path);
  if (!addr) {
    throw ConnectError("socket path is empty or longer than " + std::to_string(proto::kMaxSocketPath) +
                       " bytes: " + path);
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) throw ConnectError(errno_text("socket", errno));
  int rc;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr));
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    // A non-blocking connect to a Unix socket fails with EAGAIN when the backlog is full.
    throw ConnectError("cannot connect to " + path + ": " + std::strerror(errno));
  }
  return fd;
}

// `s` with every ill-formed byte replaced by U+FFFD.
std::string sanitized(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const std::size_t n = proto::utf8_sequence_length(s);
    if (n == 0) {
      out.append("\xEF\xBF\xBD");
      s.remove_prefix(1);
    } else {
      out.append(s.substr(0, n));
      s.remove_prefix(n);
    }
  }
  return out;
}

std::string excerpt(std::string_view text) {
  if (text.size() <= kProblemExcerpt) return std::string(text);
  return std::string(text.substr(0, kProblemExcerpt)) + "...";
}

// Turns a frame into what Emacs receives; `bytes` grows by the memory it holds.
Inbound to_inbound(proto::Frame&& frame, const ConnectionOptions& options, std::size_t& bytes) {
  Inbound in;
  switch (frame.kind) {
    case proto::Frame::Kind::oversized:
      in.kind = Inbound::Kind::problem;
      in.text = "dropped a message larger than " + std::to_string(options.max_message_bytes) +
                " bytes";
      break;
    case proto::Frame::Kind::bad_header:
      in.kind = Inbound::Kind::problem;
      in.text = "dropped an LSP frame without a usable Content-Length header";
      break;
    case proto::Frame::Kind::message:
      if (!options.parse) {
        if (proto::valid_utf8(frame.body)) {
          in.kind = Inbound::Kind::text;
          in.text = std::move(frame.body);
        } else {
          in.kind = Inbound::Kind::problem;
          in.text = "malformed message (invalid UTF-8): " + excerpt(frame.body);
        }
      } else if (std::string error; !parse_to_tape(frame.body, in.tape, error)) {
        in.kind = Inbound::Kind::problem;
        in.text = "malformed message (" + error + "): " + excerpt(frame.body);
      } else {
        in.envelope = classify(in.tape);
      }
      break;
  }
  if (in.kind == Inbound::Kind::problem) in.text = sanitized(in.text);
  bytes += in.text.size() + in.tape.strings.size() + in.tape.tokens.size() * sizeof(Token) + 64;
  return in;
}

}  // namespace

Connection::Connection(const std::string& path, UniqueFd wake_fd, ConnectionOptions options)
    : options_(options), socket_(connect_unix(path)), wake_emacs_(std::move(wake_fd)) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) throw std::runtime_error(errno_text("pipe2", errno));
  wake_io_read_.reset(fds[0]);
  wake_io_write_.reset(fds[1]);
  if (wake_emacs_) {
    // Shared with Emacs' own end of the pipe, which Emacs only reads. open_channel's dup
    // is inheritable; subprocesses Emacs starts must not get it.
    const int flags = ::fcntl(wake_emacs_.get(), F_GETFL);
    if (flags >= 0) ::fcntl(wake_emacs_.get(), F_SETFL, flags | O_NONBLOCK);
    ::fcntl(wake_emacs_.get(), F_SETFD, FD_CLOEXEC);
  }
  // The I/O thread starts with every signal blocked: Emacs' handlers (SIGCHLD, SIGIO, timers)
  // belong on Emacs' threads, and a write to a closed pipe must fail with EPIPE, not signal.
  sigset_t all, previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  try {
    thread_ = std::thread([this] { run(); });
  } catch (...) {
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    throw;
  }
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

Connection::~Connection() { close(); }

bool Connection::send(std::string_view message) {
  std::lock_guard lock(mu_);
  if (stopping_ || closed_reason_) return false;
  const bool idle = outbox_pos_ == outbox_.size();
  outbox_.append(message);
  outbox_.push_back('\n');
  if (idle) flush_locked();  // order is kept: only an idle outbox is written from here
  if (outbox_pos_ < outbox_.size()) wake_io();
  return true;
}

void Connection::flush_locked() {
  while (outbox_pos_ < outbox_.size()) {
    const ssize_t n = ::send(socket_.get(), outbox_.data() + outbox_pos_, outbox_.size() - outbox_pos_,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      outbox_pos_ += static_cast<std::size_t>(n);
      stats_.bytes_written += static_cast<std::uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    // The peer is gone: drop the output and let the reader report the end.
    if (write_error_.empty()) write_error_ = errno_text("write", errno);
    outbox_.clear();
    outbox_pos_ = 0;
    ::shutdown(socket_.get(), SHUT_RDWR);
    return;
  }
  if (outbox_pos_ == outbox_.size()) {
    outbox_.clear();
    outbox_pos_ = 0;
  } else if (outbox_pos_ > (1u << 20) && outbox_pos_ > outbox_.size() / 2) {
    outbox_.erase(0, outbox_pos_);
    outbox_pos_ = 0;
  }
}

void Connection::run() {
  proto::FrameSplitter splitter(options_.max_message_bytes);
  std::vector<char> buf(kReadChunk);
  for (;;) {
    bool want_read = false;
    bool want_write = false;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      want_read = inbox_bytes_ < options_.inbox_limit;
      want_write = outbox_pos_ < outbox_.size();
    }
    pollfd fds[2] = {
        {socket_.get(), static_cast<short>((want_read ? POLLIN : 0) | (want_write ? POLLOUT : 0)), 0},
        {wake_io_read_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      finish(errno_text("poll", errno));
      return;
    }
    if (fds[1].revents & POLLIN) {
      char sink[64];
      while (::read(wake_io_read_.get(), sink, sizeof sink) > 0) {
      }
    }
    if (fds[0].revents & POLLOUT) {
      std::lock_guard lock(mu_);
      flush_locked();
    }
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    const ssize_t n = ::read(socket_.get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      finish(errno_text("read", errno));
      return;
    }
    if (n == 0) {
      std::string reason = "lamp closed the connection";
      if (splitter.buffered() > 0) {
        reason += " (" + std::to_string(splitter.buffered()) + " bytes of an unfinished message lost)";
      }
      finish(std::move(reason));
      return;
    }
    splitter.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    std::deque<Inbound> items;
    std::size_t bytes = 0;
    while (auto frame = splitter.next()) items.push_back(to_inbound(std::move(*frame), options_, bytes));
    {
      std::lock_guard lock(mu_);
      stats_.bytes_read += static_cast<std::uint64_t>(n);
    }
    if (!items.empty()) deliver(std::move(items), bytes);
  }
}

void Connection::deliver(std::deque<Inbound>&& items, std::size_t bytes) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    stats_.messages += items.size();
    for (auto& item : items) inbox_.push_back(std::move(item));
    inbox_bytes_ += bytes;
    wake = !std::exchange(emacs_woken_, true);
  }
  if (wake) write_byte(wake_emacs_.get());
}

void Connection::finish(std::string reason) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (!write_error_.empty()) reason += " (" + write_error_ + ")";
    if (!closed_reason_) closed_reason_ = std::move(reason);
    outbox_.clear();
    outbox_pos_ = 0;
    wake = !std::exchange(emacs_woken_, true);
  }
  if (wake) write_byte(wake_emacs_.get());
}

Connection::Batch Connection::take() {
  Batch batch;
  bool resume_reading = false;
  {
    std::lock_guard lock(mu_);
    resume_reading = inbox_bytes_ >= options_.inbox_limit;
    batch.items = std::move(inbox_);
    inbox_.clear();
    inbox_bytes_ = 0;
    emacs_woken_ = false;
    batch.closed = closed_reason_;
  }
  if (resume_reading) wake_io();
  return batch;
}

void Connection::wake_emacs() const { write_byte(wake_emacs_.get()); }

void Connection::wake_io() const { write_byte(wake_io_write_.get()); }

void Connection::close() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    if (!closed_reason_) closed_reason_ = "connection closed by Emacs";
  }
  wake_io();
  if (thread_.joinable()) thread_.join();
  socket_.reset();
  wake_emacs_.reset();
}

bool Connection::closed() {
  std::lock_guard lock(mu_);
  return stopping_ || closed_reason_.has_value();
}

ConnectionStats Connection::stats() {
  std::lock_guard lock(mu_);
  ConnectionStats s = stats_;
  s.outbox_bytes = outbox_.size() - outbox_pos_;
  s.inbox_items = inbox_.size();
  return s;
}

}  // namespace lamp::module
