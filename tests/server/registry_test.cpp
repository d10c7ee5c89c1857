// SPDX-License-Identifier: GPL-3.0-or-later
// MethodRegistry: lookup and listing.
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
