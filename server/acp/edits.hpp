// SPDX-License-Identifier: GPL-3.0-or-later
// Edits in an ACP turn: how the model is asked for them and where they are in its answer, the
// streamed answer without them, the file's new text, and the review through the client.
#pragma once

#include "acp/session.hpp"
#include "acp/protocol.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// How an ACP turn asks the model for file edits and finds them in its answer: one fenced block
// per file naming it (```lang path=/abs/file) with SEARCH/REPLACE blocks or the whole file.
namespace lamp::acp {

// The system prompt of an ACP session (cwd shown to the model), edit rules included.
std::string system_prompt(std::string_view cwd);

// A fence opening line: ``` or ~~~ (3 or more) at column 0, with its info string.
struct Fence {
  char mark = '`';
  std::size_t length = 3;
  std::string info;
};
std::optional<Fence> opening_fence(std::string_view line);
bool closes(const Fence& fence, std::string_view line);

// The file an opening fence names with "path=..." (made absolute against cwd), if any.
std::optional<std::string> fence_path(const Fence& fence, std::string_view cwd);

struct EditBlock {
  std::string path;  // absolute
  std::string body;  // the lines between the fences, each ending in "\n"
};

// Every complete path= block of a finished reply, in order; a later block for the same path
// replaces an earlier one. An unclosed block (a cut-off reply) is not an edit.
std::vector<EditBlock> find_edit_blocks(std::string_view reply, std::string_view cwd);

// ReplyFilter: the streamed answer minus the edit blocks. A file's new content is shown to the
// user as a diff (tool call), so its fenced block is held back from the message chunks.

class ReplyFilter {
 public:
  // `hides(fence)` says whether a block opened by `fence` is an edit block to hold back.
  explicit ReplyFilter(std::function<bool(const Fence&)> hides);

  // The part of `text` that may be shown now. Text at the start of a line that could open a
  // fence is held until its line is complete.
  std::string feed(std::string_view text);
  // What is still held once the reply is complete.
  std::string finish();

 private:
  enum class State { text, maybe_fence, hidden };
  void end_line(std::string& out);

  std::function<bool(const Fence&)> hides_;
  State state_ = State::text;
  bool line_start_ = true;
  std::string line_;             // the held line (maybe_fence) or the hidden line so far
  std::optional<Fence> hidden_;  // the block being held back
  std::optional<Fence> shown_;   // an ordinary code block being shown
};

// The file's new text from the model's block for it, through the wisp.patch engine's reply
// parser and repairing applier (server/patch): SEARCH/REPLACE blocks or whole new content.

struct EditFailure {
  std::string description;  // what could not be applied, for the user
};

// The edited text (equal to `old_text` when the block changes nothing), or why the block does
// not apply. `name` is how the file is named in the block (for file-name lines in the reply).
std::variant<std::string, EditFailure> apply_edit_block(std::string_view old_text,
                                                        std::string_view block_body,
                                                        std::string_view name);

// EditReview: each edit of one answer shown as a diff tool call, session/request_permission,
// then written through the client's fs/write_text_file when allowed (never by lamp itself).

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
