// SPDX-License-Identifier: GPL-3.0-or-later
// EditReview: each edit of one answer shown as a diff tool call, session/request_permission,
// then written through the client's fs/write_text_file when allowed (never by lamp itself).
#pragma once

#include "acp/client_request.hpp"
#include "acp/session.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lamp::acp {

struct ReadyEdit {
  std::string path;                     // absolute
  std::optional<std::string> old_text;  // the text the edit starts from
  std::string new_text;
  std::string failure;  // when set, the model's block did not apply: reported, never written
};

class EditReview : public std::enable_shared_from_this<EditReview> {
 public:
  // Gets one line per edit saying what became of it ("Edit to /x: applied.").
  using Done = std::function<void(std::vector<std::string> notes)>;

  EditReview(std::shared_ptr<rpc::Call> call, std::weak_ptr<Session> session,
             std::vector<ReadyEdit> edits, Done done);

  // Executor thread, like everything here.
  void start();
  // The turn was cancelled: the edit under review is marked failed, the rest are dropped and
  // `done` never runs. Late client replies are ignored.
  void cancel();

 private:
  void next();
  void on_permission(const ClientReply& reply);
  void on_written(const ClientReply& reply);
  void settle(std::string_view status, const std::string& note);
  void send(json update);
  json diff() const;

  std::shared_ptr<rpc::Call> call_;
  std::weak_ptr<Session> session_;
  std::vector<ReadyEdit> edits_;
  Done done_;
  std::size_t index_ = 0;
  std::string tool_call_id_;  // of the edit under review; empty between edits
  std::vector<std::string> notes_;
  bool cancelled_ = false;
};

}  // namespace lamp::acp
