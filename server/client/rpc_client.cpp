// SPDX-License-Identifier: GPL-3.0-or-later
// RpcClient implementation on plain POSIX sockets with poll() timeouts.
#include "client/rpc_client.hpp"

#include "proto/socket_path.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lamp::client {

RpcClient::RpcClient(const std::string& socket_path) : path_(socket_path) {
  const auto addr = proto::unix_address(path_);
  if (!addr) throw ConnectionError("socket path is empty or too long: " + path_);
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw ConnectionError(std::string("cannot create socket: ") + std::strerror(errno));
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    throw ConnectionError("no lamp server at " + path_ + " (" + std::strerror(err) +
                          "); start one with `lamp serve`");
  }
}

RpcClient::~RpcClient() {
  if (fd_ >= 0) ::close(fd_);
}

void RpcClient::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw ConnectionError("lost the connection to lamp at " + path_ + ": " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::optional<proto::Frame> RpcClient::read_frame(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto frame = splitter_.next()) return frame;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd pfd{fd_, POLLIN, 0};
    const int rc = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno != EINTR) throw ConnectionError(std::string("poll: ") + std::strerror(errno));
    if (rc <= 0) continue;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) throw ConnectionError("lamp closed the connection");
    splitter_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
  }
}

std::optional<json> RpcClient::read_message(std::chrono::milliseconds timeout) {
  auto frame = read_frame(timeout);
  if (!frame) return std::nullopt;
  return proto::parse(frame->body);
}

void RpcClient::notify(const std::string& method, json params) {
  send_raw(proto::frame(proto::dump(proto::make_notification(method, std::move(params))),
                        proto::Framing::ndjson));
}

json RpcClient::call(const std::string& method, json params, std::chrono::milliseconds timeout,
                     const NotificationHandler& on_notification) {
  const json id = next_id_++;
  json request = proto::make_request(id, method, std::move(params));
  if (request["params"].is_null()) request.erase("params");
  send_raw(proto::frame(proto::dump(request), proto::Framing::ndjson));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto message = read_message(std::max(left, std::chrono::milliseconds(0)));
    if (!message) throw ConnectionError("no reply from lamp to " + method + " within " +
                                        std::to_string(timeout.count()) + " ms");
    if (message->is_object() && message->contains("method") && !message->contains("id")) {
      if (on_notification) on_notification(*message);
      continue;
    }
    if (!message->is_object() || message->value("id", json()) != id) continue;
    if (auto err = message->find("error"); err != message->end()) {
      throw proto::RpcError(err->value("code", proto::code::internal_error),
                            err->value("message", std::string("error")), err->value("data", json()));
    }
    return message->value("result", json());
  }
}

}  // namespace lamp::client
