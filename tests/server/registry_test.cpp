// SPDX-License-Identifier: GPL-3.0-or-later
// MethodRegistry: lookup, listing and middleware order.
#include "rpc/registry.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

using namespace lamp;

namespace {

std::shared_ptr<rpc::Call> make_call(boost::asio::io_context& io, const std::string& method,
                                     proto::json* reply) {
  proto::Request req{method, nullptr, 1, false};
  return std::make_shared<rpc::Call>(io.get_executor(), req, proto::Framing::ndjson,
                                     std::weak_ptr<rpc::Dispatcher>(),
                                     [reply](std::string r) { *reply = proto::json::parse(r); });
}

}  // namespace

TEST(MethodRegistry, FindsAndListsMethods) {
  rpc::MethodRegistry reg;
  reg.add_sync("b", [](rpc::Call&) { return proto::json(2); });
  reg.add_sync("a", [](rpc::Call&) { return proto::json(1); });
  EXPECT_EQ(reg.names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(reg.find("c"), nullptr);
  boost::asio::io_context io;
  proto::json reply;
  (*reg.find("b"))(make_call(io, "b", &reply));
  io.run();
  EXPECT_EQ(reply["result"], 2);
}

TEST(MethodRegistry, MiddlewareWrapsEveryMethodOutermostLast) {
  rpc::MethodRegistry reg;
  std::vector<std::string> trace;
  reg.add_sync("early", [&](rpc::Call&) { trace.push_back("early"); return proto::json(0); });
  reg.use([&](std::string_view method, rpc::Handler next) -> rpc::Handler {
    return [&trace, m = std::string(method), next](const std::shared_ptr<rpc::Call>& c) {
      trace.push_back("inner:" + m);
      next(c);
    };
  });
  reg.use([&](std::string_view, rpc::Handler next) -> rpc::Handler {
    return [&trace, next](const std::shared_ptr<rpc::Call>& c) {
      trace.push_back("outer");
      next(c);
    };
  });
  reg.add_sync("late", [&](rpc::Call&) { trace.push_back("late"); return proto::json(0); });
  boost::asio::io_context io;
  proto::json reply;
  (*reg.find("early"))(make_call(io, "early", &reply));
  (*reg.find("late"))(make_call(io, "late", &reply));
  EXPECT_EQ(trace, (std::vector<std::string>{"outer", "inner:early", "early", "outer",
                                             "inner:late", "late"}));
}

TEST(MethodRegistry, MiddlewareCanAnswerInsteadOfTheMethod) {
  rpc::MethodRegistry reg;
  reg.add_sync("secret", [](rpc::Call&) { return proto::json("leaked"); });
  reg.use([](std::string_view, rpc::Handler) -> rpc::Handler {
    return [](const std::shared_ptr<rpc::Call>& c) {
      c->fail(proto::RpcError(proto::code::configuration, "denied"));
    };
  });
  boost::asio::io_context io;
  proto::json reply;
  (*reg.find("secret"))(make_call(io, "secret", &reply));
  io.run();
  EXPECT_EQ(reply["error"]["code"], proto::code::configuration);
}
