// SPDX-License-Identifier: GPL-3.0-or-later
// wisp.patch (docs/protocol.md, Methods): orchestration only; the engine lives in server/patch/.
#include "methods/wisp_patch.hpp"

#include "methods/chat.hpp"
#include "patch/patch_engine.hpp"
#include "upstream/chat_job.hpp"

#include <boost/asio/post.hpp>

namespace lamp::methods {
namespace {

using proto::json;
namespace code = proto::code;

constexpr std::size_t kReplyExcerptBytes = 8192;

// One wisp.patch call: at most two model turns, then the answer.
class PatchSession : public std::enable_shared_from_this<PatchSession> {
 public:
  PatchSession(std::shared_ptr<rpc::Call> call, patch::PatchRequest request,
               upstream::ChatService& chat, boost::asio::thread_pool& cpu)
      : call_(std::move(call)), request_(std::move(request)), chat_(chat), cpu_(cpu) {}

  void start() {
    json model_choice = json::object();
    if (request_.model) model_choice["model"] = *request_.model;
    model_ = chat_.choose_model(model_choice);
    ask(patch::build_messages(request_));
    call_->on_cancel([self = shared_from_this()] {
      self->cancelled_ = true;
      if (self->job_) self->job_->cancel();
    });
  }

 private:
  // Executor thread: one model turn.
  void ask(json messages) {
    json body = {{"model", model_}, {"messages", std::move(messages)}};
    if (request_.temperature) body["temperature"] = *request_.temperature;
    if (request_.max_tokens) body["max_tokens"] = *request_.max_tokens;
    auto handlers = call_handlers(call_);
    handlers.on_done = [self = shared_from_this()](std::variant<upstream::ChatReply, proto::RpcError> outcome) {
      self->job_.reset();
      if (auto* error = std::get_if<proto::RpcError>(&outcome)) {
        self->call_->fail(*error);
      } else {
        self->on_reply(std::move(std::get<upstream::ChatReply>(outcome)));
      }
    };
    job_ = chat_.start(std::move(body), std::move(handlers));
  }

  void on_reply(upstream::ChatReply response) {
    add_usage(response.usage);
    if (!response.model.empty()) model_ = response.model;
    std::string reply = std::move(response.content);
    if (reply.empty()) {
      call_->fail(proto::RpcError(code::unusable_reply, "The model's reply is empty",
                                  {{"reply", proto::utf8_prefix(proto::dump(response.raw), kReplyExcerptBytes)}}));
      return;
    }
    notify_stage("validating");
    // Repair and diff off the event loop, then continue on it.
    boost::asio::post(cpu_, [self = shared_from_this(), reply = std::move(reply)]() mutable {
      std::variant<patch::PatchOutcome, proto::RpcError> outcome = proto::RpcError(code::internal_error, "");
      try {
        outcome = patch::make_patch(self->request_, reply);
      } catch (const std::exception& e) {  // patch::EngineFailure: a bug, not the model's fault
        outcome = proto::error_with_detail(code::internal_error, "Internal error", e.what());
      }
      boost::asio::post(self->call_->executor(), [self, reply = std::move(reply), outcome = std::move(outcome)]() mutable {
        self->on_outcome(std::move(reply), std::move(outcome));
      });
    });
  }

  void on_outcome(std::string reply, std::variant<patch::PatchOutcome, proto::RpcError> outcome) {
    if (cancelled_ || call_->done()) return;
    if (auto* error = std::get_if<proto::RpcError>(&outcome)) {
      call_->fail(*error);
      return;
    }
    auto& result = std::get<patch::PatchOutcome>(outcome);
    if (auto* ready = std::get_if<patch::PatchReady>(&result)) {
      answer(true, std::move(ready->patch), std::move(ready->rationale), ready->comments);
    } else if (auto* none = std::get_if<patch::NoChange>(&result)) {
      answer(false, "", std::move(none->rationale), none->comments);
    } else {
      const auto& failure = std::get<patch::RepairFailure>(result);
      if (++turns_ < 2) {
        first_failure_ = failure.description;
        ask(patch::build_retry_messages(request_, reply, failure));
        return;
      }
      call_->fail(proto::RpcError(code::unusable_reply, "No usable edit in the model's reply",
                                  {{"reply", proto::utf8_prefix(reply, kReplyExcerptBytes)},
                                   {"detail", failure.description},
                                   {"first_detail", first_failure_},
                                   {"attempts", turns_}}));
    }
  }

  void answer(bool ok, std::string patch_text, std::string rationale, const std::vector<patch::CommentAnswer>& comments) {
    json result = {{"ok", ok},
                   {"patch", std::move(patch_text)},
                   {"rationale", std::move(rationale)},
                   {"model", model_},
                   {"usage", usage_}};
    if (request_.several) result["comments"] = comments_json(comments);
    call_->reply(std::move(result));
  }

  // docs/protocol.md: comments: [{index, hunks, note?}], one per selection in request order.
  static json comments_json(const std::vector<patch::CommentAnswer>& comments) {
    json out = json::array();
    for (const auto& c : comments) {
      json entry = {{"index", c.index}, {"hunks", c.hunks}};
      if (c.note) entry["note"] = *c.note;
      out.push_back(std::move(entry));
    }
    return out;
  }

  void add_usage(const json& usage) {
    if (!usage.is_object()) return;
    for (const auto& [key, value] : usage.items()) {
      if (!value.is_number_integer()) continue;
      usage_[key] = usage_.value(key, std::int64_t{0}) + value.get<std::int64_t>();
    }
  }

  void notify_stage(const char* stage) {
    if (!call_->is_notification()) call_->notify("$/progress", {{"request_id", call_->id()}, {"stage", stage}});
  }

  std::shared_ptr<rpc::Call> call_;
  patch::PatchRequest request_;
  upstream::ChatService& chat_;
  boost::asio::thread_pool& cpu_;
  std::shared_ptr<upstream::ChatJob> job_;
  std::string model_;
  json usage_ = json::object();
  std::string first_failure_;
  int turns_ = 0;
  bool cancelled_ = false;
};

// The params as a patch request; what the engine finds wrong in them is -32602.
patch::PatchRequest parse_params(const json& params) {
  try {
    return patch::parse_request(params);
  } catch (const patch::InvalidRequest& e) {
    throw proto::invalid_params(e.what());
  }
}

}  // namespace

void register_wisp_patch(rpc::MethodRegistry& registry, upstream::ChatService& chat,
                         boost::asio::thread_pool& cpu) {
  registry.add("wisp.patch", [&chat, &cpu](const std::shared_ptr<rpc::Call>& call) {
    auto session = std::make_shared<PatchSession>(call, parse_params(call->params()), chat, cpu);
    session->start();
  });
}

}  // namespace lamp::methods
