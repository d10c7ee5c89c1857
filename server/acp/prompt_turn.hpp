// SPDX-License-Identifier: GPL-3.0-or-later
// PromptTurn: one session/prompt from request to stopReason: linked files read, the answer
// streamed as agent_message_chunk updates, edits reviewed, the exchange kept in the history.
#pragma once

#include "acp/edit_review.hpp"
#include "acp/prompt_content.hpp"
#include "acp/reply_filter.hpp"
#include "acp/session.hpp"
#include "rpc/call.hpp"

#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lamp::upstream {
class ChatService;
class ChatJob;
}  // namespace lamp::upstream

namespace lamp::acp {

class PromptTurn : public std::enable_shared_from_this<PromptTurn> {
 public:
  // Owned by session->turn while it runs; everything happens on the executor thread.
  // `cpu` applies the model's edit blocks, so big files never stall the event loop.
  PromptTurn(std::shared_ptr<rpc::Call> call, std::weak_ptr<Session> session,
             upstream::ChatService& chat, boost::asio::thread_pool& cpu,
             std::vector<PromptPiece> pieces);
  ~PromptTurn();  // aborts the upstream call, if any
  PromptTurn(const PromptTurn&) = delete;
  PromptTurn& operator=(const PromptTurn&) = delete;

  void start();
  // session/cancel: stop whatever runs and answer {"stopReason":"cancelled"}.
  void cancel();

 private:
  void read_links(std::size_t from);
  void ask_model();
  void on_delta(const json& delta);
  void on_done(std::variant<json, proto::RpcError> outcome);
  void apply_edits_then_review();
  void review(std::vector<ReadyEdit> edits);
  void finish(std::string_view stop_reason, bool remember);
  void fail(const proto::RpcError& error);
  void abandoned();
  void release();
  void send_chunk(std::string text);
  bool is_known_file_block(const Fence& fence) const;

  std::shared_ptr<rpc::Call> call_;
  std::weak_ptr<Session> session_;
  upstream::ChatService& chat_;
  boost::asio::thread_pool& cpu_;
  std::vector<PromptPiece> pieces_;
  std::string cwd_;
  std::string user_message_;
  std::string reply_;  // everything the model said, edit blocks included
  std::vector<std::string> edit_notes_;
  ReplyFilter filter_;
  std::shared_ptr<upstream::ChatJob> job_;
  std::shared_ptr<EditReview> review_;
  bool over_ = false;
};

}  // namespace lamp::acp
