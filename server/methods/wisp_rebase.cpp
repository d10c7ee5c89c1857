// SPDX-License-Identifier: GPL-3.0-or-later
// wisp.rebase (docs/protocol.md, Methods): params checked here, the merge in server/patch/rebase.
#include "methods/wisp_rebase.hpp"

#include "patch/errors.hpp"
#include "patch/rebase.hpp"

#include <boost/asio/post.hpp>

namespace lamp::methods {
namespace {

using proto::json;
namespace code = proto::code;

std::string string_param(const json& params, const char* name) {
  const auto it = params.find(name);
  if (it == params.end()) throw proto::invalid_params(std::string(name) + " is missing");
  if (!it->is_string()) throw proto::invalid_params(std::string(name) + " must be a string");
  return it->get<std::string>();
}

json result_json(const patch::RebaseResult& rebased) {
  json conflicts = json::array();
  for (const auto& c : rebased.conflicts) {
    conflicts.push_back({{"hunk", c.hunk}, {"old_start", c.old_start}, {"old_lines", c.old_lines}, {"message", c.message}});
  }
  json result = {{"ok", rebased.conflicts.empty()}, {"patch", rebased.patch}};
  if (!rebased.conflicts.empty()) result["conflicts"] = std::move(conflicts);
  return result;
}

}  // namespace

void register_wisp_rebase(rpc::MethodRegistry& registry, boost::asio::thread_pool& cpu) {
  registry.add("wisp.rebase", [&cpu](const std::shared_ptr<rpc::Call>& call) {
    const json& params = call->params();
    if (!params.is_object()) throw proto::invalid_params("params must be an object");
    std::string base = string_param(params, "base_text");
    std::string current = string_param(params, "current_text");
    std::string diff = string_param(params, "patch");
    boost::asio::post(cpu, [call, base = std::move(base), current = std::move(current), diff = std::move(diff)] {
      if (call->done()) return;  // cancelled while queued
      try {
        call->reply(result_json(patch::rebase_diff(base, current, diff)));
      } catch (const patch::InvalidRequest& e) {
        call->fail(proto::invalid_params(e.what()));
      } catch (const std::exception& e) {  // patch::EngineFailure: a bug, never a wrong merge
        call->fail(proto::error_with_detail(code::internal_error, "Internal error", e.what()));
      }
    });
  });
}

}  // namespace lamp::methods
