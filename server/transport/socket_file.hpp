// SPDX-License-Identifier: GPL-3.0-or-later
// SocketFile: claims the socket path per docs/protocol.md (private parent directory, stale-socket
// rules, mode 0600) and on destruction removes the socket only if it is still the one we made.
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>

namespace lamp::transport {

// Start-up refusals; the message is shown to the user as is.
class StartupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SocketFile {
 public:
  // Makes the parent directory safe and clears a dead socket at `path`. Throws StartupError.
  explicit SocketFile(std::string path);
  ~SocketFile();
  SocketFile(const SocketFile&) = delete;
  SocketFile& operator=(const SocketFile&) = delete;

  // Binds and listens on the path; returns the listening descriptor (owned by the caller).
  int bind_and_listen(int backlog);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool bound_ = false;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace lamp::transport
