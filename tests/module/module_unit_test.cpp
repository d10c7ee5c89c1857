// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests of lamp-module's Emacs-free parts (JsonTape, Connection) and of its refusal to
// load on an Emacs whose module API lacks open_channel (driven through a fake emacs_env).
#include "connection.hpp"
#include "json_tape.hpp"
#include "proto/socket_path.hpp"

#include <emacs-module.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <string>
#include <thread>

#include <dlfcn.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace lamp::module {
namespace {

using namespace std::chrono_literals;

// ---- JsonTape ----

TEST(JsonTape, FlattensValuesInDocumentOrder) {
  JsonTape tape;
  std::string error;
  ASSERT_TRUE(parse_to_tape(R"({"a":[1,2.5,"x",null,true,false],"b":{}})", tape, error)) << error;
  using K = Token::Kind;
  std::vector<K> kinds;
  for (const auto& t : tape.tokens) kinds.push_back(t.kind);
  EXPECT_EQ(kinds, (std::vector<K>{K::object, K::key, K::array, K::integer, K::real, K::string,
                                   K::null, K::true_, K::false_, K::key, K::object}));
  EXPECT_EQ(tape.tokens[0].size, 2u);  // pairs
  EXPECT_EQ(tape.tokens[2].size, 6u);  // elements
  EXPECT_EQ(tape.text(tape.tokens[1]), "a");
  EXPECT_EQ(tape.tokens[3].integer, 1);
  EXPECT_DOUBLE_EQ(tape.tokens[4].real, 2.5);
  EXPECT_EQ(tape.text(tape.tokens[5]), "x");
  EXPECT_EQ(tape.tokens[10].size, 0u);
}

TEST(JsonTape, UnescapesStrings) {
  JsonTape tape;
  std::string error;
  ASSERT_TRUE(parse_to_tape(R"(["\u00e9\ud83d\ude00\n\"", "a\u0000b"])", tape, error)) << error;
  EXPECT_EQ(tape.text(tape.tokens[1]), "\xC3\xA9\xF0\x9F\x98\x80\n\"");
  EXPECT_EQ(tape.text(tape.tokens[2]), std::string_view("a\0b", 3));
}

TEST(JsonTape, IntegersMustFitIn64Bits) {
  JsonTape tape;
  std::string error;
  EXPECT_TRUE(parse_to_tape("9223372036854775807", tape, error));
  EXPECT_TRUE(parse_to_tape("-9223372036854775808", tape, error));
  EXPECT_FALSE(parse_to_tape("9223372036854775808", tape, error));
  EXPECT_NE(error.find("out of range"), std::string::npos);
  EXPECT_FALSE(parse_to_tape("[123456789012345678901234567890]", tape, error));
  EXPECT_TRUE(parse_to_tape("1.5e10", tape, error));
}

TEST(JsonTape, RejectsMalformedInput) {
  JsonTape tape;
  std::string error;
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "[1] x", "\"\xff\"", "nul", "'a'",
                          "[\"\\ud800\"]"}) {
    EXPECT_FALSE(parse_to_tape(bad, tape, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  // A raw NUL is not the end of the text: what follows it would otherwise go unread.
  using namespace std::string_literals;
  EXPECT_FALSE(parse_to_tape("{\"result\":1}\0garbage"s, tape, error));
  EXPECT_NE(error.find("NUL byte at offset 12"), std::string::npos) << error;
}

TEST(JsonTape, LimitsNesting) {
  JsonTape tape;
  std::string error;
  EXPECT_TRUE(parse_to_tape(std::string(512, '[') + std::string(512, ']'), tape, error)) << error;
  EXPECT_FALSE(parse_to_tape(std::string(513, '[') + std::string(513, ']'), tape, error));
  EXPECT_NE(error.find("nesting"), std::string::npos);
  // Far deeper input must fail cleanly too (no recursion anywhere).
  EXPECT_FALSE(parse_to_tape(std::string(100000, '['), tape, error));
}

TEST(JsonTape, RecordsSubtreeSpans) {
  JsonTape tape;
  std::string error;
  ASSERT_TRUE(parse_to_tape(R"({"a":[1,{"b":2}],"c":3})", tape, error)) << error;
  EXPECT_EQ(tape.tokens[0].span, tape.tokens.size());
  EXPECT_EQ(tape.skip(2), 7u);  // past [1,{"b":2}] to the key "c"
  EXPECT_EQ(tape.text(tape.tokens[7]), "c");
  EXPECT_EQ(tape.skip(8), tape.tokens.size());
}

TEST(JsonTape, FlagsObjectsWithRepeatedKeys) {
  JsonTape tape;
  std::string error;
  ASSERT_TRUE(parse_to_tape(R"({"a":{"x":1,"y":2},"b":{"x":1,"x":2}})", tape, error));
  EXPECT_FALSE(tape.tokens[0].duplicate_keys);
  EXPECT_FALSE(tape.tokens[2].duplicate_keys);
  EXPECT_TRUE(tape.tokens[8].duplicate_keys);
  // Past the linear-scan size the set-based check takes over.
  std::string wide = "{";
  for (int i = 0; i < 40; ++i) wide += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  ASSERT_TRUE(parse_to_tape(wide + "\"k0\":0}", tape, error)) << error;
  EXPECT_TRUE(tape.tokens[0].duplicate_keys);
  ASSERT_TRUE(parse_to_tape(wide + "\"k40\":0}", tape, error)) << error;
  EXPECT_FALSE(tape.tokens[0].duplicate_keys);
}

Envelope classified(std::string_view text, JsonTape& tape) {
  std::string error;
  EXPECT_TRUE(parse_to_tape(text, tape, error)) << error;
  return classify(tape);
}

TEST(Envelope, PicksRepliesAndNotificationsApart) {
  JsonTape tape;
  auto e = classified(R"({"jsonrpc":"2.0","id":5,"result":{"x":[1]}})", tape);
  EXPECT_EQ(e.kind, Envelope::Kind::result);
  EXPECT_EQ(tape.tokens[e.id].integer, 5);
  EXPECT_EQ(tape.tokens[e.value].kind, Token::Kind::object);

  e = classified(R"({"id":"a","error":{"code":1},"result":1})", tape);
  EXPECT_EQ(e.kind, Envelope::Kind::error);  // an error wins over a result, as in lamp.el
  EXPECT_EQ(tape.text(tape.tokens[e.id]), "a");

  e = classified(R"({"method":"tick","params":[1]})", tape);
  EXPECT_EQ(e.kind, Envelope::Kind::notification);
  EXPECT_EQ(tape.text(tape.tokens[e.method]), "tick");
  EXPECT_EQ(tape.tokens[e.value].kind, Token::Kind::array);

  e = classified(R"({"method":"tick"})", tape);
  EXPECT_EQ(e.kind, Envelope::Kind::notification);
  EXPECT_EQ(e.value, 0u);

  EXPECT_EQ(classified(R"({"method":"ask","id":1})", tape).kind, Envelope::Kind::other);
  EXPECT_EQ(classified(R"({"id":1})", tape).kind, Envelope::Kind::other);
  EXPECT_EQ(classified(R"([{"id":1,"result":1}])", tape).kind, Envelope::Kind::other);
  EXPECT_EQ(classified(R"("text")", tape).kind, Envelope::Kind::other);

  e = classified(R"({"id":1,"id":2,"result":3})", tape);  // the last id, as Emacs keeps
  EXPECT_EQ(tape.tokens[e.id].integer, 2);
}

// ---- Connection ----

class Peer {
 public:
  Peer() {
    dir_ = std::filesystem::temp_directory_path() /
           ("lamp-module-unit-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "s").string();
    listener_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const auto addr = proto::unix_address(path_);
    EXPECT_TRUE(addr);
    EXPECT_EQ(::bind(listener_.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr), 0);
    EXPECT_EQ(::listen(listener_.get(), 8), 0);
  }
  ~Peer() { std::filesystem::remove_all(dir_); }

  const std::string& path() const { return path_; }
  void accept() { conn_.reset(::accept(listener_.get(), nullptr, nullptr)); }
  void write(std::string_view s) { ASSERT_EQ(::write(conn_.get(), s.data(), s.size()), ssize_t(s.size())); }
  std::string read_some() {
    char buf[65536];
    const ssize_t n = ::read(conn_.get(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  void hang_up() { conn_.reset(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::string path_;
  UniqueFd listener_, conn_;
};

struct WakePipe {
  UniqueFd read, write;
  WakePipe() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    read.reset(fds[0]);
    write.reset(fds[1]);
  }
  bool wait(std::chrono::milliseconds timeout) {
    pollfd p{read.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return false;
    char sink[64];
    return ::read(read.get(), sink, sizeof sink) > 0;
  }
};

// Takes until `n` items arrived (or the connection reported its end).
Connection::Batch take_at_least(Connection& c, WakePipe& wake, std::size_t n) {
  Connection::Batch all;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (all.items.size() < n && !all.closed && std::chrono::steady_clock::now() < deadline) {
    wake.wait(100ms);
    auto batch = c.take();
    for (auto& item : batch.items) all.items.push_back(std::move(item));
    all.closed = batch.closed;
  }
  return all;
}

TEST(Connection, ConnectFailureSaysWhy) {
  try {
    Connection c("/nonexistent/lamp.sock", UniqueFd(), {});
    FAIL() << "connected to nothing";
  } catch (const ConnectError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/lamp.sock"), std::string::npos);
  }
}

TEST(Connection, SendsLinesAndReceivesParsedMessages) {
  Peer peer;
  WakePipe wake;
  Connection c(peer.path(), UniqueFd(::dup(wake.write.get())), {});
  peer.accept();
  ASSERT_TRUE(c.send(R"({"id":1})"));
  EXPECT_EQ(peer.read_some(), "{\"id\":1}\n");

  peer.write("{\"a\":1}\n[2]\nnot json\n");
  auto batch = take_at_least(c, wake, 3);
  ASSERT_EQ(batch.items.size(), 3u);
  EXPECT_EQ(batch.items[0].kind, Inbound::Kind::message);
  EXPECT_EQ(batch.items[0].tape.tokens.size(), 3u);
  EXPECT_EQ(batch.items[1].kind, Inbound::Kind::message);
  EXPECT_EQ(batch.items[2].kind, Inbound::Kind::problem);
  EXPECT_FALSE(batch.closed);
  EXPECT_EQ(c.stats().messages, 3u);
}

TEST(Connection, TextModeAndSanitizedProblems) {
  Peer peer;
  WakePipe wake;
  ConnectionOptions options;
  options.parse = false;
  Connection c(peer.path(), UniqueFd(::dup(wake.write.get())), options);
  peer.accept();
  peer.write("{\"a\":1}\n\xff\xfe\n");
  auto batch = take_at_least(c, wake, 2);
  ASSERT_EQ(batch.items.size(), 2u);
  EXPECT_EQ(batch.items[0].kind, Inbound::Kind::text);
  EXPECT_EQ(batch.items[0].text, "{\"a\":1}");
  EXPECT_EQ(batch.items[1].kind, Inbound::Kind::problem);
  EXPECT_EQ(batch.items[1].text.find('\xff'), std::string::npos);
}

TEST(Connection, ReportsTheEndAfterTheLastMessage) {
  Peer peer;
  WakePipe wake;
  Connection c(peer.path(), UniqueFd(::dup(wake.write.get())), {});
  peer.accept();
  peer.write("[1]\n{\"half\":");
  peer.hang_up();
  auto batch = take_at_least(c, wake, 1);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!batch.closed && std::chrono::steady_clock::now() < deadline) {
    wake.wait(100ms);
    batch.closed = c.take().closed;
  }
  ASSERT_EQ(batch.items.size(), 1u);
  ASSERT_TRUE(batch.closed);
  EXPECT_NE(batch.closed->find("unfinished"), std::string::npos);
  EXPECT_TRUE(c.closed());
  EXPECT_FALSE(c.send("[]"));
}

TEST(Connection, SendNeverBlocksOnASlowReader) {
  Peer peer;
  Connection c(peer.path(), UniqueFd(), {});
  peer.accept();
  const std::string big(4 << 20, 'x');
  // The peer reads nothing yet: a blocking send would never return (ctest's timeout), and
  // 32 MiB cannot all sit in the socket buffers, so the rest must wait in the outbox.
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(c.send(big));
  EXPECT_GT(c.stats().outbox_bytes, 0u);
  std::size_t got = 0;
  while (got < 8 * (big.size() + 1)) {
    const auto chunk = peer.read_some();
    ASSERT_FALSE(chunk.empty());
    got += chunk.size();
  }
  EXPECT_EQ(got, 8 * (big.size() + 1));
}

TEST(Connection, StopsReadingAtTheInboxLimitAndResumesOnTake) {
  Peer peer;
  WakePipe wake;
  ConnectionOptions options;
  options.inbox_limit = 1024;
  Connection c(peer.path(), UniqueFd(::dup(wake.write.get())), options);
  peer.accept();
  std::string lines;
  for (int i = 0; i < 2000; ++i) lines += "[\"" + std::string(100, 'z') + "\"]\n";
  std::thread writer([&] { peer.write(lines); });
  std::size_t total = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (total < 2000 && std::chrono::steady_clock::now() < deadline) {
    wake.wait(100ms);
    total += c.take().items.size();
  }
  writer.join();
  EXPECT_EQ(total, 2000u);
}

TEST(Connection, CloseIsIdempotentAndPrompt) {
  Peer peer;
  Connection c(peer.path(), UniqueFd(), {});
  peer.accept();
  const auto start = std::chrono::steady_clock::now();
  c.close();
  c.close();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_TRUE(c.closed());
  EXPECT_TRUE(peer.read_some().empty());  // the peer sees EOF
}

// ---- Refusing an Emacs without open_channel ----

// A fake Emacs 27 environment: values are strings in a deque; only the Emacs 25 subset that
// the refusal path may call is implemented.
struct FakeEmacs {
  std::deque<std::string> heap;
  std::string signal_symbol, signal_data;
  int functions_defined = 0;
};
FakeEmacs* fake = nullptr;

emacs_value fake_value(std::string s) {
  fake->heap.push_back(std::move(s));
  return reinterpret_cast<emacs_value>(&fake->heap.back());
}
const std::string& fake_text(emacs_value v) { return *reinterpret_cast<std::string*>(v); }

TEST(ModuleInit, RefusesAnEmacsWithoutOpenChannel) {
  void* lib = ::dlopen(LAMP_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << ::dlerror();
  ASSERT_NE(::dlsym(lib, "plugin_is_GPL_compatible"), nullptr);
  auto init = reinterpret_cast<int (*)(emacs_runtime*)>(::dlsym(lib, "emacs_module_init"));
  ASSERT_NE(init, nullptr);

  FakeEmacs state;
  fake = &state;
  emacs_env env{};
  env.size = sizeof(emacs_env_27);
  env.intern = [](emacs_env*, const char* name) { return fake_value(std::string("'") + name); };
  env.make_string = [](emacs_env*, const char* s, ptrdiff_t n) { return fake_value(std::string(s, n)); };
  env.funcall = [](emacs_env*, emacs_value f, ptrdiff_t n, emacs_value* args) {
    std::string out = "(" + fake_text(f);
    for (ptrdiff_t i = 0; i < n; ++i) out += " " + fake_text(args[i]);
    return fake_value(out + ")");
  };
  env.non_local_exit_signal = [](emacs_env*, emacs_value sym, emacs_value data) {
    fake->signal_symbol = fake_text(sym);
    fake->signal_data = fake_text(data);
  };
  env.non_local_exit_check = [](emacs_env*) { return emacs_funcall_exit_return; };
  env.make_function = [](emacs_env*, ptrdiff_t, ptrdiff_t,
                         emacs_value (*)(emacs_env*, ptrdiff_t, emacs_value*, void*) noexcept,
                         const char*, void*) {
    ++fake->functions_defined;
    return fake_value("#<function>");
  };

  struct Runtime {
    emacs_runtime rt;
    emacs_env* env;
  } runtime{};
  runtime.rt.size = sizeof(emacs_runtime);
  runtime.env = &env;
  runtime.rt.get_environment = [](emacs_runtime* rt) { return reinterpret_cast<Runtime*>(rt)->env; };

  EXPECT_EQ(init(&runtime.rt), 0);  // 0 so that Emacs raises our message, not module-init-failed
  EXPECT_EQ(state.signal_symbol, "'error");
  EXPECT_NE(state.signal_data.find("Emacs 28"), std::string::npos) << state.signal_data;
  EXPECT_NE(state.signal_data.find("open_channel"), std::string::npos);
  EXPECT_EQ(state.functions_defined, 0);

  runtime.rt.size = 4;  // a runtime older than any we know
  EXPECT_NE(init(&runtime.rt), 0);
  fake = nullptr;
  ::dlclose(lib);
}

}  // namespace
}  // namespace lamp::module
