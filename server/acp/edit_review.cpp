// SPDX-License-Identifier: GPL-3.0-or-later
// The permission-then-write sequence for proposed edits (ACP tool calls of kind "edit").
#include "acp/edit_review.hpp"

#include "acp/updates.hpp"

namespace lamp::acp {
namespace {

std::string display_path(const std::string& path, const std::string& cwd) {
  const std::string prefix = cwd.ends_with('/') ? cwd : cwd + "/";
  return path.starts_with(prefix) && path.size() > prefix.size() ? path.substr(prefix.size()) : path;
}

}  // namespace

EditReview::EditReview(std::shared_ptr<rpc::Call> call, std::weak_ptr<Session> session,
                       std::vector<ReadyEdit> edits, Done done)
    : call_(std::move(call)), session_(std::move(session)), edits_(std::move(edits)), done_(std::move(done)) {}

void EditReview::start() { next(); }

void EditReview::cancel() {
  if (cancelled_) return;
  cancelled_ = true;
  if (!tool_call_id_.empty()) {
    send(tool_call_update(tool_call_id_, "failed",
                          json::array({diff(), text_content("Not applied: the prompt was cancelled.")})));
    tool_call_id_.clear();
  }
}

json EditReview::diff() const {
  const auto& edit = edits_[index_];
  return diff_content(edit.path, edit.old_text, edit.new_text);
}

void EditReview::send(json update) {
  if (const auto session = session_.lock()) {
    call_->notify("session/update", session_update(session->id, std::move(update)));
  }
}

void EditReview::next() {
  const auto session = session_.lock();
  if (cancelled_ || !session) return;
  if (index_ == edits_.size()) {
    if (auto done = std::exchange(done_, nullptr)) done(std::move(notes_));
    return;
  }
  const auto& edit = edits_[index_];
  tool_call_id_ = "lamp-edit-" + std::to_string(session->next_tool_call++);
  const std::string title = "Edit " + display_path(edit.path, session->cwd);
  if (!edit.failure.empty()) {
    send(edit_tool_call(tool_call_id_, title, edit.path,
                        json::array({text_content("Could not apply the proposed edit: " + edit.failure)}),
                        "failed"));
    notes_.push_back("Edit to " + edit.path + ": could not be applied (" + edit.failure + ").");
    tool_call_id_.clear();
    ++index_;
    next();
    return;
  }
  send(edit_tool_call(tool_call_id_, title, edit.path, json::array({diff()})));
  if (!session->client.write_text_file) {
    settle("failed", "not applied: the client does not offer fs/write_text_file");
    return;
  }
  ask_client(call_, "session/request_permission",
             permission_request(session->id, tool_call_id_, title, edit.path, diff()),
             [weak = weak_from_this()](ClientReply reply) {
               if (const auto self = weak.lock()) self->on_permission(reply);
             });
}

void EditReview::on_permission(const ClientReply& reply) {
  const auto session = session_.lock();
  if (cancelled_ || !session) return;
  const auto* result = std::get_if<json>(&reply);
  if (result == nullptr || !selected(*result, kAllowOnce)) {
    settle("failed", result ? "rejected by the user, not written"
                            : "not written: permission request failed: " +
                                  std::string(std::get<proto::RpcError>(reply).what()));
    return;
  }
  send(tool_call_update(tool_call_id_, "in_progress"));
  const auto& edit = edits_[index_];
  ask_client(call_, "fs/write_text_file",
             json{{"sessionId", session->id}, {"path", edit.path}, {"content", edit.new_text}},
             [weak = weak_from_this()](ClientReply written) {
               if (const auto self = weak.lock()) self->on_written(written);
             });
}

void EditReview::on_written(const ClientReply& reply) {
  const auto session = session_.lock();
  if (cancelled_ || !session) return;
  if (const auto* error = std::get_if<proto::RpcError>(&reply)) {
    settle("failed", std::string("not written: fs/write_text_file failed: ") + error->what());
    return;
  }
  const auto& edit = edits_[index_];
  session->files.insert_or_assign(edit.path, edit.new_text);
  settle("completed", "applied");
}

void EditReview::settle(std::string_view status, const std::string& note) {
  const auto& edit = edits_[index_];
  json content = nullptr;
  if (status != "completed") {
    content = json::array({diff(), text_content("Edit " + note + ".")});
  }
  send(tool_call_update(tool_call_id_, status, std::move(content)));
  notes_.push_back("Edit to " + edit.path + ": " + note + ".");
  tool_call_id_.clear();
  ++index_;
  next();
}

}  // namespace lamp::acp
