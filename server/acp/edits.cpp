// SPDX-License-Identifier: GPL-3.0-or-later
// Edits in an ACP turn: format, reply filter, applying through server/patch, review.
#include "acp/edits.hpp"

#include "acp/protocol.hpp"
#include "patch/apply_edits.hpp"
#include "patch/reply_format.hpp"
#include "patch/reply_parser.hpp"

#include <algorithm>
#include <utility>

// The path= fenced-block edit format: prompt text, fence parsing and edit block extraction.
namespace lamp::acp {
namespace {

constexpr std::string_view kPrompt = R"(You are lamp, a coding assistant working in the user's editor through the Agent Client Protocol.
Answer in Markdown. Be concise and precise.

Files the user attached appear in their messages as <file path="PATH"> ... </file>.

When the user asks you to change an attached file:
- Say in one or two sentences what you change.
- Then give one fenced block per changed file whose opening line names the file after the
  language, for example ```python path=/absolute/path/of/file.py
- Inside it, write SEARCH/REPLACE blocks:
)";

constexpr std::string_view kPromptRules = R"(- SEARCH must be copied character for character (indentation, comments, blank lines) and match
  one place only; add a few unchanged lines around the change when needed to make it unique.
- REPLACE must be complete, working code: never abbreviate with "..." or "rest unchanged".
- To rewrite a short file completely, the block may instead hold the complete new content.
- If the file contains ``` lines, open and close the block with more backticks (````).
The editor shows your change as a diff and asks the user before writing it.
For questions, explanations and snippets, answer normally without path=.
)";

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string system_prompt(std::string_view cwd) {
  std::string out(kPrompt);
  out += patch::kSearchReplaceBlock;
  out += kPromptRules;
  out += "The session's working directory is ";
  out += cwd;
  out += ".\n";
  return out;
}

std::optional<Fence> opening_fence(std::string_view line) {
  line = trim_right(line);
  if (line.empty() || (line[0] != '`' && line[0] != '~')) return std::nullopt;
  Fence fence;
  fence.mark = line[0];
  fence.length = std::min(line.find_first_not_of(fence.mark), line.size());
  if (fence.length < 3) return std::nullopt;
  std::string_view info = line.substr(fence.length);
  if (fence.mark == '`' && info.find('`') != std::string_view::npos) return std::nullopt;
  while (!info.empty() && (info.front() == ' ' || info.front() == '\t')) info.remove_prefix(1);
  fence.info = std::string(info);
  return fence;
}

bool closes(const Fence& fence, std::string_view line) {
  line = trim_right(line);
  return line.size() >= fence.length &&
         line.find_first_not_of(fence.mark) == std::string_view::npos;
}

std::optional<std::string> fence_path(const Fence& fence, std::string_view cwd) {
  std::string_view info = fence.info;
  std::size_t at = 0;
  // "path=" at the start of the info string or after a space.
  while ((at = info.find("path=", at)) != std::string_view::npos) {
    if (at == 0 || info[at - 1] == ' ' || info[at - 1] == '\t') break;
    at += 5;
  }
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view value = info.substr(at + 5);
  if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
    const char quote = value.front();
    value.remove_prefix(1);
    value = value.substr(0, value.find(quote));
  } else {
    value = value.substr(0, value.find_first_of(" \t"));
  }
  if (value.empty()) return std::nullopt;
  if (auto path = path_from_uri(value)) return path;
  if (value.find("://") != std::string_view::npos) return std::nullopt;
  return absolute_path(value, cwd);
}

std::vector<EditBlock> find_edit_blocks(std::string_view reply, std::string_view cwd) {
  std::vector<EditBlock> blocks;
  std::optional<Fence> open;
  std::optional<std::string> path;  // set while inside a path= block
  std::string body;
  std::size_t pos = 0;
  while (pos < reply.size()) {
    const std::size_t nl = reply.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? reply.size() : nl;
    const std::string_view line = reply.substr(pos, end - pos);
    pos = end + 1;
    if (!open) {
      open = opening_fence(line);
      if (open) path = fence_path(*open, cwd);
      body.clear();
    } else if (closes(*open, line)) {
      if (path) {
        std::erase_if(blocks, [&](const EditBlock& b) { return b.path == *path; });
        blocks.push_back(EditBlock{*path, body});
      }
      open.reset();
      path.reset();
    } else if (path) {
      body += line;
      body += '\n';
    }
  }
  return blocks;
}

// Streaming removal of edit blocks from the answer, one character at a time.
namespace {

// True while `line` (no newline yet) can still become a fence opening line.
bool could_open(std::string_view line) {
  const char mark = line.front();
  const std::size_t run = std::min(line.find_first_not_of(mark), line.size());
  return run == line.size() || run >= 3;
}

}  // namespace

ReplyFilter::ReplyFilter(std::function<bool(const Fence&)> hides) : hides_(std::move(hides)) {}

void ReplyFilter::end_line(std::string& out) {
  if (state_ == State::maybe_fence) {
    // Inside a code block that is shown, only its closing fence matters.
    const auto fence = shown_ ? std::nullopt : opening_fence(line_);
    if (fence && hides_(*fence)) {
      hidden_ = fence;
      state_ = State::hidden;
    } else {
      if (shown_ && closes(*shown_, line_)) {
        shown_.reset();
      } else if (fence) {
        shown_ = fence;
      }
      out += line_;
      out += '\n';
      state_ = State::text;
    }
  } else if (state_ == State::hidden) {
    if (closes(*hidden_, line_)) {
      hidden_.reset();
      state_ = State::text;
    }
  }
  line_.clear();
}

std::string ReplyFilter::feed(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (state_) {
      case State::text:
        if (line_start_ && (c == '`' || c == '~')) {
          state_ = State::maybe_fence;
          line_ = c;
        } else {
          out += c;
        }
        break;
      case State::maybe_fence:
        if (c == '\n') {
          end_line(out);
        } else {
          line_ += c;
          if (!could_open(line_)) {
            out += line_;
            line_.clear();
            state_ = State::text;
          }
        }
        break;
      case State::hidden:
        if (c == '\n') {
          end_line(out);
        } else {
          line_ += c;
        }
        break;
    }
    line_start_ = c == '\n';
  }
  return out;
}

std::string ReplyFilter::finish() {
  std::string out;
  if (state_ == State::maybe_fence) out = std::exchange(line_, {});
  // An unclosed edit block (cut-off reply) stays hidden: it is not a usable edit either.
  state_ = State::text;
  line_start_ = true;
  return out;
}

// One ACP edit block applied in memory with the patch engine; the whole file is the selection.
namespace {

// The body re-fenced for the engine (a fenced block reads as new content for the selection,
// SEARCH/REPLACE markers inside it as edits), with a fence longer than any backtick run in it.
std::string fenced(std::string_view body) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  std::string out = fence + "\n";
  out += body;
  if (!body.empty() && body.back() != '\n') out += '\n';
  return out + fence + "\n";
}

}  // namespace

std::variant<std::string, EditFailure> apply_edit_block(std::string_view old_text,
                                                        std::string_view block_body,
                                                        std::string_view name) {
  try {
    auto parsed = patch::parse_reply(fenced(block_body), patch::ReplyContext{std::string(name), "", {}});
    if (const auto* failure = std::get_if<patch::RepairFailure>(&parsed)) {
      return EditFailure{failure->description};
    }
    const auto& plan = std::get<patch::EditPlan>(parsed);
    if (plan.declared_no_change || plan.edits.empty()) return std::string(old_text);
    auto applied = patch::apply_edits(old_text, patch::ByteRange{0, old_text.size()}, plan.edits);
    if (const auto* failure = std::get_if<patch::RepairFailure>(&applied)) {
      return EditFailure{failure->description};
    }
    return std::move(std::get<std::string>(applied));
  } catch (const std::exception& e) {  // e.g. text that is not UTF-8
    return EditFailure{e.what()};
  }
}

// The permission-then-write sequence for proposed edits (ACP tool calls of kind "edit").
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
