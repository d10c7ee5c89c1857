// SPDX-License-Identifier: GPL-3.0-or-later
// A session/prompt: its content blocks made into the user message, and PromptTurn, which
// answers it from request to stopReason.
#pragma once

#include "acp/session.hpp"
#include "acp/edits.hpp"
#include "proto/jsonrpc.hpp"
#include "rpc/call.hpp"
#include "upstream/chat_reply.hpp"

#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lamp::upstream {
class ChatService;
class ChatJob;
}  // namespace lamp::upstream

namespace lamp::acp {

using proto::json;

// The content blocks of a session/prompt: validated into text, attached files and links, and
// rendered as the one user message the model sees.

struct PromptText {
  std::string text;
};

// A text resource: embedded by the client, or read through fs/read_text_file for a link.
struct AttachedFile {
  std::string label;                // what the model sees as its name: the path, else the URI
  std::optional<std::string> path;  // absolute local path when the URI names one (editable)
  std::string text;
};

// A resource_link not (yet) read: the model sees only its name and URI.
struct PromptLink {
  std::string uri;
  std::string name;
  std::optional<std::string> path;
  std::string note;  // why the contents are missing, when known
};

using PromptPiece = std::variant<PromptText, AttachedFile, PromptLink>;

// Validates `prompt` (a ContentBlock array). text, resource_link and resource are accepted;
// image and audio (not advertised) and unknown types -> -32602.
std::vector<PromptPiece> parse_prompt(const json& prompt);

// The user message: text blocks as written, files as <file path="...">...</file>, unread links
// as a one-line reference, in the order the client sent them.
std::string render_user_message(const std::vector<PromptPiece>& pieces);

// PromptTurn: one session/prompt from request to stopReason: linked files read, the answer
// streamed as agent_message_chunk updates, edits reviewed, the exchange kept in the history.
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
  void on_done(std::variant<upstream::ChatReply, proto::RpcError> outcome);
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
