// SPDX-License-Identifier: GPL-3.0-or-later
// load_gen's event loop: non-blocking Unix-socket connections on one epoll instance.
#include "driver.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

namespace load {
namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count());
}

[[noreturn]] void fail_errno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  }

 private:
  int fd_ = -1;
};

// Connects to the socket, retrying while the listen backlog is full (EAGAIN on Unix sockets).
Fd connect_unix(const std::string& path, bool non_blocking, std::uint64_t deadline_ns) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof sa.sun_path) throw std::runtime_error("socket path too long: " + path);
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (non_blocking ? SOCK_NONBLOCK : 0), 0));
  if (fd.get() < 0) fail_errno("socket");
  while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) < 0) {
    if (errno == EINTR) continue;
    if (errno == EAGAIN && now_ns() < deadline_ns) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    fail_errno("connect " + path);
  }
  return fd;
}

enum class Slot : std::uint8_t { unsent, outstanding, answered };

struct Conn {
  Fd fd;
  std::uint32_t index = 0;
  std::uint32_t next_seq = 1;
  std::uint32_t in_flight = 0;
  bool open = true;
  bool finished = false;  // every reply in, or the server closed it
  bool want_out = false;
  std::vector<Slot> slots;          // by seq - 1
  std::vector<std::uint64_t> sent;  // send time by seq - 1
  std::string rbuf;                 // a partial line
  std::string wbuf;                 // request bytes the socket has not taken yet
  std::size_t woff = 0;
};

class Run {
 public:
  Run(const Options& opts, std::uint64_t nonce, Tally& tally)
      : o_(opts), nonce_(nonce), t_(tally), ep_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (ep_.get() < 0) fail_errno("epoll_create1");
  }

  RunTimes go(const std::function<void()>& sample) {
    RunTimes times;
    const auto t0 = now_ns();
    const auto deadline = t0 + static_cast<std::uint64_t>(o_.timeout_s * 1e9);
    conns_.resize(o_.connections);
    for (std::uint32_t i = 0; i < o_.connections; ++i) {
      auto& c = conns_[i];
      c.index = i;
      c.fd = connect_unix(o_.socket, true, deadline);
      c.slots.assign(o_.requests, Slot::unsent);
      c.sent.assign(o_.requests, 0);
      epoll_event ev{EPOLLIN, {.ptr = &c}};
      if (::epoll_ctl(ep_.get(), EPOLL_CTL_ADD, c.fd.get(), &ev) < 0) fail_errno("epoll_ctl");
    }
    const auto t1 = now_ns();
    times.connect_s = static_cast<double>(t1 - t0) / 1e9;
    for (auto& c : conns_) fill(c);
    auto next_sample = t1;
    while (finished_ < conns_.size()) {
      const auto now = now_ns();
      if (now >= deadline) break;
      if (now >= next_sample) {
        sample();
        next_sample = now + 50'000'000;
      }
      poll_once(static_cast<int>((std::min(deadline, next_sample) - now + 999'999) / 1'000'000));
    }
    const auto t2 = now_ns();
    times.run_s = static_cast<double>(t2 - t1) / 1e9;
    times.timed_out = finished_ < conns_.size();
    sample();
    // Anything arriving now is a duplicate or misrouted: give it a moment to show up.
    const auto linger_end = t2 + std::uint64_t{o_.linger_ms} * 1'000'000;
    for (auto now = t2; !times.timed_out && now < linger_end; now = now_ns()) {
      poll_once(static_cast<int>((linger_end - now + 999'999) / 1'000'000));
    }
    for (auto& c : conns_) {
      for (const auto s : c.slots) {
        if (s == Slot::outstanding) ++t_.failures.lost;
        if (s == Slot::unsent) ++t_.failures.unsent;
      }
      c.fd.reset();
    }
    return times;
  }

 private:
  void poll_once(int timeout_ms) {
    epoll_event evs[256];
    const int n = ::epoll_wait(ep_.get(), evs, 256, timeout_ms);
    if (n < 0 && errno != EINTR) fail_errno("epoll_wait");
    for (int i = 0; i < n; ++i) {
      auto& c = *static_cast<Conn*>(evs[i].data.ptr);
      if (!c.open) continue;
      if ((evs[i].events & EPOLLOUT) && !flush(c)) continue;
      if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        if (read_all(c)) fill(c);
      }
    }
  }

  void fill(Conn& c) {
    if (!c.open) return;
    const auto t = now_ns();
    while (c.in_flight < o_.window && c.next_seq <= o_.requests) {
      const auto seq = c.next_seq++;
      const auto id = encode_id(c.index, seq);
      const auto m = method_of(id, o_.chat_every);
      append_request(c.wbuf, id, m, nonce_);
      c.slots[seq - 1] = Slot::outstanding;
      c.sent[seq - 1] = t;
      ++c.in_flight;
      ++t_.sent[static_cast<int>(m)];
    }
    if (!c.want_out) flush(c);
  }

  // Writes what the socket takes; false when the connection broke.
  bool flush(Conn& c) {
    while (c.woff < c.wbuf.size()) {
      const auto n = ::write(c.fd.get(), c.wbuf.data() + c.woff, c.wbuf.size() - c.woff);
      if (n > 0) {
        c.woff += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        watch_out(c, true);
        return true;
      } else {
        broken(c, std::string("write failed: ") + std::strerror(errno));
        return false;
      }
    }
    c.wbuf.clear();
    c.woff = 0;
    watch_out(c, false);
    return true;
  }

  void watch_out(Conn& c, bool on) {
    if (c.want_out == on) return;
    epoll_event ev{EPOLLIN | (on ? EPOLLOUT : 0u), {.ptr = &c}};
    ::epoll_ctl(ep_.get(), EPOLL_CTL_MOD, c.fd.get(), &ev);
    c.want_out = on;
  }

  // Reads until the socket is drained; false when the connection ended.
  bool read_all(Conn& c) {
    char buf[65536];
    for (;;) {
      const auto n = ::read(c.fd.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      if (n <= 0) {
        broken(c, n == 0 ? "closed by the server" : std::string("read failed: ") + std::strerror(errno));
        return false;
      }
      const auto now = now_ns();
      std::string_view data(buf, static_cast<std::size_t>(n));
      if (!c.rbuf.empty()) {  // complete the partial line first
        const auto nl = data.find('\n');
        if (nl == std::string_view::npos) {
          c.rbuf.append(data);
          continue;
        }
        c.rbuf.append(data.substr(0, nl));
        on_line(c, c.rbuf, now);
        c.rbuf.clear();
        data.remove_prefix(nl + 1);
      }
      for (auto nl = data.find('\n'); nl != std::string_view::npos; nl = data.find('\n')) {
        if (nl > 0) on_line(c, data.substr(0, nl), now);
        data.remove_prefix(nl + 1);
      }
      c.rbuf.assign(data);
    }
  }

  void broken(Conn& c, const std::string& why) {
    ++t_.failures.closed_connections;
    t_.note("connection " + std::to_string(c.index) + ": " + why + " with " +
            std::to_string(c.in_flight) + " in flight");
    ::epoll_ctl(ep_.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr);
    c.fd.reset();
    c.open = false;
    finish(c);
  }

  void finish(Conn& c) {
    if (!c.finished) ++finished_;
    c.finished = true;
  }

  void note(const Conn& c, const char* kind, std::string_view line) {
    t_.note(std::string(kind) + " on connection " + std::to_string(c.index) + ": " +
            std::string(line.substr(0, 200)));
  }

  void on_line(Conn& c, std::string_view line, std::uint64_t now) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return;  // blank lines between messages are allowed
    const Incoming in = parse_line(line, o_.chat_every, nonce_);
    auto& f = t_.failures;
    if (in.kind == Incoming::Kind::malformed) {
      ++f.malformed;
      note(c, "malformed line", line);
      return;
    }
    RequestRef ref{UINT32_MAX, 0};
    if (in.id) ref = decode_id(*in.id).value_or(ref);
    const bool known = ref.conn < o_.connections && ref.seq >= 1 && ref.seq <= o_.requests;
    if (in.kind == Incoming::Kind::notification) {
      // $/progress may only concern a chat call of this connection still in flight.
      if (in.method == "$/progress" && known && ref.conn == c.index &&
          c.slots[ref.seq - 1] == Slot::outstanding && method_of(*in.id, o_.chat_every) == Method::chat) {
        ++t_.progress_notifications;
      } else {
        ++f.stray_notification;
        note(c, "stray notification", line);
      }
      return;
    }
    if (!known) {
      ++f.unknown_id;
      note(c, "reply with an unknown id", line);
      return;
    }
    if (ref.conn != c.index) {
      ++f.misrouted;
      note(c, "misrouted reply", line);
      return;
    }
    auto& slot = c.slots[ref.seq - 1];
    if (slot == Slot::unsent) {
      ++f.unknown_id;
      note(c, "reply to a request not sent yet", line);
      return;
    }
    if (slot == Slot::answered) {
      ++f.duplicated;
      note(c, "duplicated reply", line);
      return;
    }
    slot = Slot::answered;
    --c.in_flight;
    const auto m = method_of(*in.id, o_.chat_every);
    t_.latency_ns[static_cast<int>(m)].push_back(now - c.sent[ref.seq - 1]);
    if (ref.seq == 1) t_.first_ns.push_back(now - c.sent[0]);
    if (in.is_error) {
      ++f.rpc_error;
      note(c, "JSON-RPC error", in.error_text);
    } else if (!in.result_problem.empty()) {
      ++f.wrong_result;
      note(c, "wrong result", in.result_problem);
    }
    if (c.in_flight == 0 && c.next_seq > o_.requests) finish(c);
  }

  const Options& o_;
  std::uint64_t nonce_;
  Tally& t_;
  Fd ep_;
  std::vector<Conn> conns_;  // never resized after the loop starts: epoll holds pointers
  std::size_t finished_ = 0;
};

}  // namespace

RunTimes run_load(const Options& opts, std::uint64_t nonce, Tally& tally,
                  const std::function<void()>& sample) {
  for (auto& v : tally.latency_ns) v.reserve(std::uint64_t{opts.connections} * opts.requests);
  return Run(opts, nonce, tally).go(sample);
}

void warm_up(const Options& opts, std::uint64_t nonce) {
  const auto deadline = now_ns() + 30'000'000'000ULL;
  Fd fd = connect_unix(opts.socket, false, deadline);
  // Ids of a connection past the last one (no reply of the real run can carry them), picked so
  // that method_of() gives the method each is sent with.
  const auto first_id = [&](Method m) {
    std::uint32_t seq = 1;
    while (method_of(encode_id(opts.connections, seq), opts.chat_every) != m) ++seq;
    return encode_id(opts.connections, seq);
  };
  std::string out;
  int want = 0;
  for (const auto m : {Method::ping, Method::chat}) {
    if ((m == Method::ping && opts.chat_every == 1) || (m == Method::chat && opts.chat_every == 0)) continue;
    append_request(out, first_id(m), m, nonce);
    ++want;
  }
  if (::write(fd.get(), out.data(), out.size()) != static_cast<ssize_t>(out.size())) fail_errno("warm-up write");
  int replies = 0;
  std::string in;
  while (replies < want) {
    const auto left_ms = static_cast<int>((static_cast<std::int64_t>(deadline - now_ns())) / 1'000'000);
    pollfd p{fd.get(), POLLIN, 0};
    if (left_ms <= 0 || ::poll(&p, 1, left_ms) <= 0) throw std::runtime_error("warm-up: no reply within 30 s");
    char buf[4096];
    const auto n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("warm-up: connection closed");
    in.append(buf, static_cast<std::size_t>(n));
    for (auto nl = in.find('\n'); nl != std::string::npos; nl = in.find('\n')) {
      const auto msg = parse_line(std::string_view(in).substr(0, nl), opts.chat_every, nonce);
      if (msg.kind == Incoming::Kind::reply) {
        if (msg.is_error || !msg.result_problem.empty()) {
          throw std::runtime_error("warm-up: bad reply: " + in.substr(0, std::min<std::size_t>(nl, 300)));
        }
        ++replies;
      }
      in.erase(0, nl + 1);
    }
  }
}

}  // namespace load
