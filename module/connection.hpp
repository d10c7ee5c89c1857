// SPDX-License-Identifier: GPL-3.0-or-later
// Connection: one socket to lamp and its I/O thread, which reads, splits and parses frames
// and writes what Emacs could not write at once; Emacs is woken through a pipe. No Emacs here.
#pragma once

#include "json_tape.hpp"
#include "proto/unique_fd.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace lamp::module {

using proto::UniqueFd;

// Connecting failed (no server, refused, bad path): the message says why.
class ConnectError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One unit handed to Emacs' main thread.
struct Inbound {
  enum class Kind {
    message,  // `tape` holds a parsed message
    text,     // `text` holds a frame's JSON text (Emacs parses it)
    problem,  // `text` describes a frame that was dropped
  };
  Kind kind = Kind::message;
  JsonTape tape;
  Envelope envelope;  // message: where its parts are
  std::string text;
};

struct ConnectionOptions {
  std::size_t max_message_bytes = 256u << 20;
  bool parse = true;  // parse frames on the I/O thread (else hand Emacs the text)
  // Stop reading while this many bytes wait for Emacs, so a stuck Emacs cannot run out of
  // memory; the server's own output limit then applies.
  std::size_t inbox_limit = 512u << 20;
};

struct ConnectionStats {
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;
  std::uint64_t messages = 0;
  std::size_t outbox_bytes = 0;
  std::size_t inbox_items = 0;
};

class Connection {
 public:
  // Connects to the Unix socket at `path` and starts the I/O thread. `wake_fd` is written a
  // byte whenever Inbound items become available. Throws ConnectError.
  Connection(const std::string& path, UniqueFd wake_fd, ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Queues one message (a newline is appended). Writes at once when nothing is queued and
  // the socket has room, else leaves the rest to the I/O thread; never blocks.
  // False once the connection is closed.
  bool send(std::string_view message);

  struct Batch {
    std::deque<Inbound> items;
    std::optional<std::string> closed;  // why the connection ended, once it has
  };
  // Everything received so far. `closed` is set only with (or after) the last items.
  Batch take();

  // Wakes Emacs again (used to continue a conversion that paused).
  void wake_emacs() const;

  // Stops the I/O thread and closes the socket; idempotent.
  void close();
  // True once close() ran or the connection ended.
  bool closed();

  ConnectionStats stats();

 private:
  void run();
  void flush_locked();
  void finish(std::string reason);
  void deliver(std::deque<Inbound>&& items, std::size_t bytes);
  void wake_io() const;

  ConnectionOptions options_;
  UniqueFd socket_;
  UniqueFd wake_emacs_;
  UniqueFd wake_io_read_, wake_io_write_;

  std::mutex mu_;
  // Guarded by mu_:
  std::deque<Inbound> inbox_;
  std::size_t inbox_bytes_ = 0;
  bool emacs_woken_ = false;  // a wake byte is in the pipe and Emacs has not taken yet
  std::string outbox_;        // bytes not yet written
  std::size_t outbox_pos_ = 0;
  std::optional<std::string> closed_reason_;
  std::string write_error_;  // why the last write failed, when one did
  bool stopping_ = false;
  ConnectionStats stats_;

  std::thread thread_;
};

}  // namespace lamp::module
