// SPDX-License-Identifier: GPL-3.0-or-later
// JSON-RPC 2.0 classification, parse limits and serialization.
#include "proto/jsonrpc.hpp"

#include <gtest/gtest.h>

namespace rpc = lamp::proto;
using rpc::json;

namespace {

int invalid_code(const char* text) {
  auto m = rpc::classify(json::parse(text));
  auto* inv = std::get_if<rpc::Invalid>(&m);
  return inv ? inv->error.code() : 0;
}

}  // namespace

TEST(JsonRpc, ClassifiesRequestsAndNotifications) {
  auto m = rpc::classify(json::parse(R"({"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1})"));
  auto& req = std::get<rpc::Request>(m);
  EXPECT_EQ(req.method, "subtract");
  EXPECT_EQ(req.params, json::parse("[42,23]"));
  EXPECT_EQ(req.id, 1);
  EXPECT_FALSE(req.notification);

  auto n = rpc::classify(json::parse(R"({"jsonrpc":"2.0","method":"update","params":[1,2]})"));
  EXPECT_TRUE(std::get<rpc::Request>(n).notification);

  auto null_id = rpc::classify(json::parse(R"({"jsonrpc":"2.0","method":"ping","id":null})"));
  EXPECT_FALSE(std::get<rpc::Request>(null_id).notification);
}

TEST(JsonRpc, RejectsInvalidRequests) {
  EXPECT_EQ(invalid_code(R"({"jsonrpc":"2.0","method":1,"params":"bar"})"), rpc::code::invalid_request);
  EXPECT_EQ(invalid_code(R"({"method":"ping","id":1})"), rpc::code::invalid_request);
  EXPECT_EQ(invalid_code(R"({"jsonrpc":"1.0","method":"ping","id":1})"), rpc::code::invalid_request);
  EXPECT_EQ(invalid_code(R"({"jsonrpc":"2.0","method":"ping","params":"x","id":1})"), rpc::code::invalid_request);
  EXPECT_EQ(invalid_code(R"({"jsonrpc":"2.0","method":"ping","id":{"a":1}})"), rpc::code::invalid_request);
  EXPECT_EQ(invalid_code(R"({"foo":"boo"})"), rpc::code::invalid_request);
  EXPECT_EQ(invalid_code("1"), rpc::code::invalid_request);
}

TEST(JsonRpc, NullParamsAreAbsentParams) {
  auto m = rpc::classify(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":null})"));
  EXPECT_TRUE(std::get<rpc::Request>(m).params.is_null());
}

TEST(JsonRpc, InvalidParamsKeepTheId) {
  auto m = rpc::classify(json::parse(R"({"jsonrpc":"2.0","id":7,"method":"ping","params":"x"})"));
  EXPECT_EQ(std::get<rpc::Invalid>(m).id, 7);
}

TEST(JsonRpc, InvalidRequestKeepsAReadableId) {
  auto m = rpc::classify(json::parse(R"({"jsonrpc":"2.0","method":5,"id":"abc"})"));
  EXPECT_EQ(std::get<rpc::Invalid>(m).id, "abc");
  auto bad_id = rpc::classify(json::parse(R"({"jsonrpc":"2.0","method":"ping","id":[1]})"));
  EXPECT_TRUE(std::get<rpc::Invalid>(bad_id).id.is_null());
}

TEST(JsonRpc, ClassifiesResponses) {
  auto m = rpc::classify(json::parse(R"({"jsonrpc":"2.0","id":4,"result":{"outcome":"allow"}})"));
  EXPECT_EQ(std::get<rpc::Response>(m).result["outcome"], "allow");
  EXPECT_EQ(invalid_code(R"({"jsonrpc":"2.0","id":4,"result":1,"error":{}})"), rpc::code::invalid_request);
}

TEST(JsonRpc, ParseErrors) {
  auto code_of = [](std::string_view text) {
    try {
      rpc::parse(text);
    } catch (const rpc::RpcError& e) {
      return e.code();
    }
    return 0;
  };
  EXPECT_EQ(code_of(R"({"jsonrpc":"2.0","method":"foobar,"params":"bar","baz])"), rpc::code::parse_error);
  EXPECT_EQ(code_of("{\"s\":\"\xff\xfe\"}"), rpc::code::parse_error);  // invalid UTF-8
  // Found by fuzz_jsonrpc: numbers beyond double range used to escape as out_of_range.
  EXPECT_EQ(code_of("1E400"), rpc::code::parse_error);
  EXPECT_EQ(code_of(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":[-1e999]})"), rpc::code::parse_error);
  EXPECT_EQ(code_of(std::string(513, '[') + std::string(513, ']')), rpc::code::parse_error);
  EXPECT_EQ(code_of(std::string(512, '[') + std::string(512, ']')), 0);
  // A NUL ended nlohmann's input: the message before it was accepted, whatever followed.
  using namespace std::string_literals;
  EXPECT_EQ(code_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\0garbage"s), rpc::code::parse_error);
  EXPECT_EQ(code_of("\"a\0b\""s), rpc::code::parse_error);
  EXPECT_EQ(code_of(R"("a\u0000b")"), 0);  // an escaped NUL is text
  // Brackets inside strings do not count as nesting.
  EXPECT_EQ(code_of("\"" + std::string(2000, '[') + "\""), 0);
}

TEST(JsonRpc, DumpNeverThrowsAndStaysOnOneLine) {
  json j = {{"text", std::string("a\nb\xff")}};
  const auto s = rpc::dump(j);
  EXPECT_EQ(s.find('\n'), std::string::npos);
  EXPECT_NE(s.find("\\n"), std::string::npos);
}

TEST(JsonRpc, IdKeysDistinguishTypes) {
  EXPECT_NE(rpc::id_key(json(1)), rpc::id_key(json("1")));
  EXPECT_NE(rpc::id_key(json(1)), rpc::id_key(json::parse("1.0")));
  EXPECT_EQ(rpc::id_key(json::parse("7")), rpc::id_key(json(7)));
  EXPECT_EQ(rpc::id_key(json::parse("-7")), rpc::id_key(json(-7)));
}

TEST(JsonRpc, ErrorObjectsCarryData) {
  auto e = rpc::error_with_detail(rpc::code::invalid_params, "Invalid params", "missing x");
  auto reply = rpc::make_error(3, e);
  EXPECT_EQ(reply["jsonrpc"], "2.0");
  EXPECT_EQ(reply["id"], 3);
  EXPECT_EQ(reply["error"]["code"], -32602);
  EXPECT_EQ(reply["error"]["data"]["detail"], "missing x");
}
