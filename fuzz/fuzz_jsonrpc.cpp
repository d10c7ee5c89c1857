// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: jsonrpc parse + classify (checked against JSON's own rules: no raw NUL, a
// value survives dump and parse), then the Dispatcher (core and test methods) on the same bytes
// as one frame, running the event loop for a bounded number of handlers.
#include "app/context.hpp"
#include "methods/core.hpp"
#include "proto/jsonrpc.hpp"
#include "rpc/dispatcher.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

using namespace lamp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

constexpr std::size_t kMaxMessage = 64 * 1024;

// The server side every input is dispatched to: built once and reused while no input leaves
// work behind (a test.sleep timer), so an execution costs the dispatch, not the set-up.
struct World {
  boost::asio::io_context io;
  app::ServerContext ctx{io, app::Config{}};
  rpc::MethodRegistry registry;
  World() {
    methods::register_core(registry, ctx);
    methods::register_test_methods(registry);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto world = std::make_unique<World>();
  if (size > kMaxMessage) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // test.notify can be asked for 100000 messages of 16 MiB: legitimate, but not a finding.
  if (text.find("notify") != std::string::npos) return 0;

  // The validator alone. JSON text never holds a raw NUL (in a string it is \u0000), so a
  // parser that accepts one has stopped reading early.
  try {
    auto value = proto::parse(text);
    check(text.find('\0') == std::string::npos);
    check(proto::parse(proto::dump(value)) == value);
    if (!value.is_array()) {
      auto message = proto::classify(std::move(value));
      if (auto* inv = std::get_if<proto::Invalid>(&message)) {
        check(!proto::dump(inv->error.to_json()).empty());
      }
    }
  } catch (const proto::RpcError& e) {
    check(e.code() == proto::code::parse_error);
  }

  // The dispatcher: every reply is one well-formed line.
  auto& io = world->io;
  std::size_t replies = 0;
  auto dispatcher = std::make_shared<rpc::Dispatcher>(
      world->registry, io.get_executor(), world->ctx.dispatch, kMaxMessage, [&replies](std::string bytes) {
        check(!bytes.empty() && bytes.back() == '\n');
        check(bytes.find('\n') == bytes.size() - 1);
        auto reply = proto::parse(std::string_view(bytes).substr(0, bytes.size() - 1));
        check(reply.is_object() || reply.is_array());
        ++replies;
      });
  dispatcher->on_frame(proto::Frame{proto::Frame::Kind::message, proto::Framing::ndjson, text});
  // Bounded: ready handlers only (test.sleep's timers are abandoned), at most 10000 of them.
  for (int i = 0; i < 10000 && io.poll_one() > 0; ++i) {
  }
  dispatcher->close();
  for (int i = 0; i < 10000 && io.poll_one() > 0; ++i) {
  }
  dispatcher.reset();
  // poll_one stops the io_context when it runs out of work.
  if (io.stopped()) {
    io.restart();  // out of work: reuse it
  } else {
    world = std::make_unique<World>();  // a timer is still pending: start afresh
  }
  return 0;
}
