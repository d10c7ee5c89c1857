// SPDX-License-Identifier: GPL-3.0-or-later
// wisp.patch (docs/protocol.md, Methods): orchestration only; the engine lives in server/patch/.
#include "methods/wisp_patch.hpp"

#include "methods/patch_checks.hpp"
#include "methods/patch_progress.hpp"
#include "patch/patch_engine.hpp"
#include "upstream/chat_job.hpp"

#include <boost/asio/post.hpp>

#include <optional>

namespace lamp::methods {
namespace {

using proto::json;
namespace code = proto::code;

constexpr std::size_t kReplyExcerptBytes = 8192;

// A proposal and the checks of its changed files (docs/protocol.md, Checks).
struct CheckedProposal {
  patch::PatchReady ready;
  std::optional<std::vector<FileReport>> reports;  // none: checks turned off
};

// One wisp.patch call: at most two model turns, then the answer.
class PatchSession : public std::enable_shared_from_this<PatchSession> {
 public:
  PatchSession(std::shared_ptr<rpc::Call> call, patch::PatchRequest request, bool check, bool stream,
               upstream::ChatService& chat, boost::asio::thread_pool& cpu, check::CheckOptions check_options,
               ProjectContext& project)
      : call_(std::move(call)), request_(std::move(request)), check_(check), stream_(stream), chat_(chat),
        cpu_(cpu), check_options_(std::move(check_options)), project_(project), progress_(call_) {}

  void start() {
    json model_choice = json::object();
    if (request_.model) model_choice["model"] = *request_.model;
    model_ = chat_.choose_model(model_choice);
    call_->on_cancel([self = shared_from_this()] {
      self->cancelled_ = true;
      if (self->job_) self->job_->cancel();
    });
    // The project map runs ctags and git, and excerpts need the file's tags: off the event loop.
    boost::asio::post(cpu_, [self = shared_from_this()] {
      patch::PromptContext prompt;
      json messages;
      std::optional<proto::RpcError> error;
      try {
        prompt = self->project_.prompt_for(self->request_);
        messages = patch::build_messages(self->request_, prompt);
      } catch (const std::exception& e) {  // a bug: the call fails, lamp goes on
        error = proto::error_with_detail(code::internal_error, "Internal error", e.what());
      }
      boost::asio::post(self->call_->executor(), [self, prompt = std::move(prompt), messages = std::move(messages),
                                                  error = std::move(error)]() mutable {
        if (self->cancelled_ || self->call_->done()) return;
        if (error) return self->call_->fail(*error);
        self->prompt_ = std::move(prompt);
        self->ask(std::move(messages));
      });
    });
  }

 private:
  // Executor thread: one model turn.
  void ask(json messages) {
    json body = {{"model", model_}, {"messages", std::move(messages)}};
    if (request_.temperature) body["temperature"] = *request_.temperature;
    if (request_.max_tokens) body["max_tokens"] = *request_.max_tokens;
    if (stream_) {
      // Streamed so the caller sees the reply grow; usage comes in the stream's last chunk.
      body["stream"] = true;
      body["stream_options"] = {{"include_usage", true}};
    }
    upstream::ChatHandlers handlers;
    handlers.on_progress = [self = shared_from_this()](const std::string& stage, const std::string& detail) {
      if (stage == "streaming") return;  // the deltas report it, with the text
      if (stage == "upstream" && detail.empty() && self->turns_ > 0) {
        self->progress_.stage(stage, "asking again: " + self->retry_reason_);
      } else {
        self->progress_.stage(stage, detail);
      }
    };
    handlers.on_delta = [self = shared_from_this()](const json& delta) { self->progress_.delta(delta); };
    handlers.on_done = [self = shared_from_this()](std::variant<upstream::ChatReply, proto::RpcError> outcome) {
      self->job_.reset();
      self->progress_.flush();
      if (auto* error = std::get_if<proto::RpcError>(&outcome)) {
        if (self->first_checked_ && !self->cancelled_ && !self->call_->done()) {
          // The retry the check asked for failed upstream: the first proposal stands.
          self->answer_checked(std::move(*self->first_checked_));
        } else {
          self->call_->fail(*error);
        }
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
    if (reply.empty() && first_checked_) {
      answer_checked(std::move(*first_checked_));  // nothing better came back: the first stands
      return;
    }
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
      if (!check_) {
        answer_checked({std::move(*ready), std::nullopt});
      } else {
        check_proposal(std::move(reply), std::move(*ready));
      }
    } else if (first_checked_) {
      // The retry the check asked for gave nothing usable: the first proposal stands.
      answer_checked(std::move(*first_checked_));
    } else if (auto* none = std::get_if<patch::NoChange>(&result)) {
      answer(false, "", std::move(none->rationale), none->comments);
    } else {
      const auto& failure = std::get<patch::RepairFailure>(result);
      if (++turns_ < 2) {
        first_failure_ = failure.description;
        retry_reason_ = "the reply had no usable edit";
        ask(patch::build_retry_messages(request_, reply, failure, prompt_));
        return;
      }
      call_->fail(proto::RpcError(code::unusable_reply, "No usable edit in the model's reply",
                                  {{"reply", proto::utf8_prefix(reply, kReplyExcerptBytes)},
                                   {"detail", failure.description},
                                   {"first_detail", first_failure_},
                                   {"attempts", turns_}}));
    }
  }

  // Off the event loop: checks each changed file's original text (once) and its proposed
  // text, then continues on it.
  void check_proposal(std::string reply, patch::PatchReady ready) {
    notify_stage("checking");
    boost::asio::post(cpu_, [self = shared_from_this(), reply = std::move(reply), ready = std::move(ready)]() mutable {
      auto reports = check_proposal_files(self->request_, ready, self->original_checks_, self->check_options_);
      boost::asio::post(self->call_->executor(), [self, reply = std::move(reply), ready = std::move(ready),
                                                  reports = std::move(reports)]() mutable {
        self->on_checked(std::move(reply), {std::move(ready), std::move(reports)});
      });
    });
  }

  // docs/protocol.md, Checks: a proposal that breaks a file which parsed before uses the
  // corrective retry (when still unused), and the better of the two proposals is returned.
  void on_checked(std::string reply, CheckedProposal proposal) {
    if (cancelled_ || call_->done()) return;
    const FileReport* broken = first_regression(*proposal.reports, original_checks_);
    const bool regressed = broken != nullptr;
    if (regressed && turns_ == 0) {
      ++turns_;
      const std::string problems = regression_problems(request_, proposal.ready, *broken);
      const std::string checker = broken->report.checker;
      retry_reason_ = "the edit breaks the " + checker + " check";
      first_checked_ = std::move(proposal);
      ask(patch::build_check_retry_messages(request_, reply, checker, problems, prompt_));
      return;
    }
    if (regressed && first_checked_) {
      answer_checked(std::move(*first_checked_));  // both broken: the first
      return;
    }
    answer_checked(std::move(proposal));
  }

  void answer_checked(CheckedProposal proposal) {
    json diagnostics = json::array();
    json summary;
    if (!proposal.reports) {
      summary = {{"skipped", "turned off (\"check\": false)"}};
    } else {
      diagnostics = diagnostics_json(*proposal.reports);
      summary = check_summary(*proposal.reports, original_checks_, first_checked_.has_value());
    }
    auto& ready = proposal.ready;
    answer(true, std::move(ready.patch), std::move(ready.rationale), ready.comments, std::move(diagnostics),
           std::move(summary), std::move(ready.files_changed));
  }

  void answer(bool ok, std::string patch_text, std::string rationale, const std::vector<patch::CommentAnswer>& comments,
              json diagnostics = json::array(), json check = nullptr,
              std::vector<std::string> files_changed = {}) {
    json result = {{"ok", ok},
                   {"patch", std::move(patch_text)},
                   {"rationale", std::move(rationale)},
                   {"files_changed", std::move(files_changed)},
                   {"model", model_},
                   {"usage", usage_},
                   {"diagnostics", std::move(diagnostics)}};
    if (!check.is_null()) result["check"] = std::move(check);
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

  void notify_stage(const char* stage) { progress_.stage(stage); }

  std::shared_ptr<rpc::Call> call_;
  patch::PatchRequest request_;
  bool check_ = true;   // `check` param
  bool stream_ = true;  // `stream` param
  upstream::ChatService& chat_;
  boost::asio::thread_pool& cpu_;
  check::CheckOptions check_options_;
  ProjectContext& project_;
  PatchProgress progress_;
  std::string retry_reason_;  // why the second turn asks again, for its `upstream` stage
  patch::PromptContext prompt_;    // the project map and how big files are shortened
  OriginalChecks original_checks_;  // each changed file as sent, checked once
  std::optional<CheckedProposal> first_checked_;       // the proposal that asked for the retry
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

// `check` and `stream` (docs/protocol.md): absent or null is true; anything but a boolean is -32602.
bool flag_param(const json& params, const char* name) {
  if (!params.is_object() || !params.contains(name) || params[name].is_null()) return true;
  if (!params[name].is_boolean()) throw proto::invalid_params(std::string("field \"") + name + "\" must be a boolean");
  return params[name].get<bool>();
}

}  // namespace

void register_wisp_patch(rpc::MethodRegistry& registry, upstream::ChatService& chat,
                         boost::asio::thread_pool& cpu, check::CheckOptions checks, ProjectContext& project) {
  registry.add("wisp.patch", [&chat, &cpu, checks, &project](const std::shared_ptr<rpc::Call>& call) {
    auto request = parse_params(call->params());
    const bool check = flag_param(call->params(), "check");
    const bool stream = flag_param(call->params(), "stream");
    auto session = std::make_shared<PatchSession>(call, std::move(request), check, stream, chat, cpu, checks, project);
    session->start();
  });
}

}  // namespace lamp::methods
