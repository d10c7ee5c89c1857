// SPDX-License-Identifier: GPL-3.0-or-later
// ChatService implementation: request checks and job creation.
#include "upstream/chat_service.hpp"

#include "upstream/chat_job.hpp"

#include <algorithm>

namespace lamp::upstream {

ChatService::ChatService(boost::asio::any_io_executor executor, app::ServerContext& ctx)
    : executor_(std::move(executor)),
      ctx_(ctx),
      rng_(std::random_device{}()),
      scheduler_(ctx.config.max_concurrency, ctx.config.max_queue, ctx.upstream) {
  policy_.max_retries = ctx.config.max_retries;
}

ChatService::~ChatService() = default;

CurlTransport& ChatService::transport() {
  if (!transport_) transport_ = std::make_unique<CurlTransport>(TlsTrust{ctx_.config.ca_file, ctx_.config.ca_dir});
  return *transport_;
}

std::string ChatService::choose_model(const json& body) const {
  const auto& cfg = ctx_.config;
  std::string model = cfg.default_model;
  if (auto it = body.find("model"); it != body.end() && !it->is_null()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      throw proto::invalid_params("\"model\" must be a non-empty string");
    }
    model = it->get<std::string>();
  }
  if (cfg.allowed_models &&
      std::find(cfg.allowed_models->begin(), cfg.allowed_models->end(), model) == cfg.allowed_models->end()) {
    std::string allowed;
    for (const auto& m : *cfg.allowed_models) allowed += (allowed.empty() ? "" : ", ") + m;
    throw proto::error_with_detail(proto::code::configuration, "Model not allowed",
                                   "model \"" + model + "\" is not in LAMP_MODELS (" + allowed + ")");
  }
  return model;
}

std::shared_ptr<ChatJob> ChatService::start(json body, ChatHandlers handlers) {
  if (!body.is_object()) {
    throw proto::invalid_params("params must be a chat-completions request object");
  }
  if (auto m = body.find("messages"); m == body.end() || !m->is_array() || m->empty()) {
    throw proto::invalid_params("\"messages\" must be a non-empty array");
  }
  if (auto s = body.find("stream"); s != body.end() && !s->is_boolean() && !s->is_null()) {
    throw proto::invalid_params("\"stream\" must be a boolean");
  }
  body["model"] = choose_model(body);
  if (ctx_.config.missing_key()) {
    throw proto::error_with_detail(proto::code::configuration, "No API key",
                                   "OPENAI_API_KEY is not set in lamp's environment; set it "
                                   "(and OPENAI_BASE_URL for other providers) and restart lamp. "
                                   "Only a base URL on this machine (localhost, 127.0.0.1, ::1) "
                                   "works without a key");
  }
  auto job = std::make_shared<ChatJob>(
      ChatJobDeps{executor_, ctx_.config, ctx_.upstream, policy_, rng_, scheduler_, transport()}, std::move(body),
      std::move(handlers));
  job->submit();
  return job;
}

}  // namespace lamp::upstream
