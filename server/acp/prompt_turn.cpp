// SPDX-License-Identifier: GPL-3.0-or-later
// A session/prompt: content blocks, then the turn from request to stopReason.
#include "acp/prompt_turn.hpp"

#include "acp/edits.hpp"
#include "acp/protocol.hpp"
#include "upstream/chat_job.hpp"
#include "upstream/chat_service.hpp"

#include <boost/asio/post.hpp>

// ContentBlock validation and the user message built from a prompt's blocks.
namespace lamp::acp {
namespace {

PromptPiece parse_resource(const json& block, const std::string& where) {
  const auto it = block.find("resource");
  if (it == block.end() || !it->is_object()) throw invalid_params(where + ".resource must be an object");
  const std::string& uri = string_field(*it, "uri", where + ".resource");
  if (const auto text = it->find("text"); text != it->end() && text->is_string()) {
    auto path = path_from_uri(uri);
    return AttachedFile{path ? *path : uri, path, text->get<std::string>()};
  }
  if (const auto blob = it->find("blob"); blob != it->end() && blob->is_string()) {
    return PromptLink{uri, uri, std::nullopt, "binary contents not included"};
  }
  throw invalid_params(where + ".resource needs \"text\" or \"blob\"");
}

PromptPiece parse_block(const json& block, std::size_t index) {
  const std::string where = "prompt[" + std::to_string(index) + "]";
  if (!block.is_object()) throw invalid_params(where + " must be a content block object");
  const std::string& type = string_field(block, "type", where);
  if (type == "text") return PromptText{string_field(block, "text", where)};
  if (type == "resource_link") {
    const std::string& uri = string_field(block, "uri", where);
    const auto name = block.find("name");
    return PromptLink{uri, name != block.end() && name->is_string() ? name->get<std::string>() : uri,
                      path_from_uri(uri), ""};
  }
  if (type == "resource") return parse_resource(block, where);
  if (type == "image" || type == "audio") {
    throw invalid_params(where + ": " + type +
                         " content is not supported (promptCapabilities." + type + " is false)");
  }
  throw invalid_params(where + ".type \"" + type + "\" is not a known content block type");
}

}  // namespace

std::vector<PromptPiece> parse_prompt(const json& prompt) {
  if (!prompt.is_array()) throw invalid_params("prompt must be an array of content blocks");
  if (prompt.empty()) throw invalid_params("prompt must not be empty");
  std::vector<PromptPiece> pieces;
  pieces.reserve(prompt.size());
  for (std::size_t i = 0; i < prompt.size(); ++i) pieces.push_back(parse_block(prompt[i], i));
  return pieces;
}

std::string render_user_message(const std::vector<PromptPiece>& pieces) {
  std::string out;
  auto separate = [&out] {
    if (!out.empty()) out += out.back() == '\n' ? "\n" : "\n\n";
  };
  for (const auto& piece : pieces) {
    if (const auto* text = std::get_if<PromptText>(&piece)) {
      separate();
      out += text->text;
    } else if (const auto* file = std::get_if<AttachedFile>(&piece)) {
      separate();
      out += "<file path=\"" + file->label + "\">\n" + file->text;
      if (!file->text.empty() && file->text.back() != '\n') out += '\n';
      out += "</file>";
    } else {
      const auto& link = std::get<PromptLink>(piece);
      separate();
      out += "[linked resource \"" + link.name + "\": " + link.uri;
      if (!link.note.empty()) out += " (" + link.note + ")";
      out += "]";
    }
  }
  return out;
}

// One ACP prompt turn: links -> streamed answer -> edit review -> stopReason.
namespace {

// ACP stop reasons for OpenAI finish reasons (anything else ends the turn normally).
std::string_view stop_reason_for(const json& finish_reason) {
  if (finish_reason == "length") return "max_tokens";
  if (finish_reason == "content_filter") return "refusal";
  return "end_turn";
}

// The new text of each file an edit block names (pure: runs on the CPU pool). A block that
// changes nothing is dropped; one that does not apply is kept with its failure.
std::vector<ReadyEdit> apply_blocks(const std::vector<std::pair<EditBlock, std::string>>& blocks) {
  std::vector<ReadyEdit> ready;
  for (const auto& [block, old_text] : blocks) {
    auto applied = apply_edit_block(old_text, block.body, block.path);
    if (const auto* failure = std::get_if<EditFailure>(&applied)) {
      ready.push_back(ReadyEdit{block.path, old_text, "", failure->description});
    } else if (auto& text = std::get<std::string>(applied); text != old_text) {
      ready.push_back(ReadyEdit{block.path, old_text, std::move(text), ""});
    }
  }
  return ready;
}

}  // namespace

PromptTurn::PromptTurn(std::shared_ptr<rpc::Call> call, std::weak_ptr<Session> session,
                       upstream::ChatService& chat, boost::asio::thread_pool& cpu,
                       std::vector<PromptPiece> pieces)
    : call_(std::move(call)),
      session_(std::move(session)),
      chat_(chat),
      cpu_(cpu),
      pieces_(std::move(pieces)),
      filter_([this](const Fence& fence) { return is_known_file_block(fence); }) {}

PromptTurn::~PromptTurn() {
  if (job_) job_->cancel();
}

void PromptTurn::start() {
  const auto session = session_.lock();
  if (!session) return;
  cwd_ = session->cwd;
  call_->on_cancel([weak = weak_from_this()] {
    if (const auto self = weak.lock()) self->abandoned();
  });
  for (auto& piece : pieces_) {
    if (const auto* file = std::get_if<AttachedFile>(&piece); file && file->path) {
      session->files.insert_or_assign(*file->path, file->text);
    } else if (auto* link = std::get_if<PromptLink>(&piece); link && link->path && !session->client.read_text_file) {
      link->note = "contents not shown: the client does not offer fs/read_text_file";
    }
  }
  read_links(0);
}

void PromptTurn::read_links(std::size_t from) {
  const auto session = session_.lock();
  if (over_ || !session) return;
  for (std::size_t i = from; i < pieces_.size(); ++i) {
    const auto* link = std::get_if<PromptLink>(&pieces_[i]);
    if (link == nullptr || !link->path || !link->note.empty()) continue;
    const std::string path = *link->path;
    ask_client(call_, "fs/read_text_file", json{{"sessionId", session->id}, {"path", path}},
               [weak = weak_from_this(), i, path](ClientReply reply) {
                 const auto self = weak.lock();
                 if (!self || self->over_) return;
                 const auto* result = std::get_if<json>(&reply);
                 const auto content = result ? result->find("content") : json::const_iterator();
                 if (result && content != result->end() && content->is_string()) {
                   if (const auto s = self->session_.lock()) s->files.insert_or_assign(path, content->get<std::string>());
                   self->pieces_[i] = AttachedFile{path, path, content->get<std::string>()};
                 } else {
                   std::get<PromptLink>(self->pieces_[i]).note =
                       "could not be read: " + (result ? std::string("no text content")
                                                       : std::string(std::get<proto::RpcError>(reply).what()));
                 }
                 self->read_links(i + 1);
               });
    return;
  }
  ask_model();
}

void PromptTurn::ask_model() {
  const auto session = session_.lock();
  if (over_ || !session) return;
  user_message_ = render_user_message(pieces_);
  json messages = json::array({{{"role", "system"}, {"content", system_prompt(cwd_)}}});
  for (const auto& message : session->history) messages.push_back(message);
  messages.push_back({{"role", "user"}, {"content", user_message_}});

  upstream::ChatHandlers handlers;
  handlers.on_delta = [weak = weak_from_this()](const json& delta) {
    if (const auto self = weak.lock()) self->on_delta(delta);
  };
  handlers.on_done = [weak = weak_from_this()](std::variant<upstream::ChatReply, proto::RpcError> outcome) {
    if (const auto self = weak.lock()) self->on_done(std::move(outcome));
  };
  try {
    job_ = chat_.start(json{{"messages", std::move(messages)}, {"stream", true}}, std::move(handlers));
  } catch (const proto::RpcError& e) {
    fail(e);
  }
}

void PromptTurn::on_delta(const json& delta) {
  const auto content = delta.find("content");
  if (over_ || content == delta.end() || !content->is_string()) return;
  const auto& text = content->get_ref<const std::string&>();
  reply_ += text;
  send_chunk(filter_.feed(text));
}

void PromptTurn::on_done(std::variant<upstream::ChatReply, proto::RpcError> outcome) {
  if (over_) return;
  if (const auto* error = std::get_if<proto::RpcError>(&outcome)) {
    fail(*error);
    return;
  }
  const auto& reply = std::get<upstream::ChatReply>(outcome);
  if (reply_.empty() && !reply.content.empty()) {  // an upstream that answered without streaming
    reply_ = reply.content;
    send_chunk(filter_.feed(reply_));
  }
  send_chunk(filter_.finish());
  const auto stop = stop_reason_for(reply.finish_reason);
  if (stop == "refusal") {
    finish(stop, false);  // ACP: a refused prompt is left out of the next turn's context
    return;
  }
  if (stop == "end_turn") {
    apply_edits_then_review();
  } else {
    finish(stop, true);  // a cut-off answer proposes no edit
  }
}

void PromptTurn::apply_edits_then_review() {
  const auto session = session_.lock();
  if (!session) return;
  std::vector<std::pair<EditBlock, std::string>> blocks;  // with the text each edit starts from
  for (auto& block : find_edit_blocks(reply_, cwd_)) {
    if (const auto known = session->files.find(block.path); known != session->files.end()) {
      blocks.emplace_back(std::move(block), known->second);
    }
  }
  if (blocks.empty()) {
    finish("end_turn", true);
    return;
  }
  boost::asio::post(cpu_, [weak = weak_from_this(), executor = call_->executor(), blocks = std::move(blocks)] {
    boost::asio::post(executor, [weak, edits = apply_blocks(blocks)]() mutable {
      const auto self = weak.lock();
      if (!self || self->over_) return;
      if (edits.empty()) {
        self->finish("end_turn", true);
      } else {
        self->review(std::move(edits));
      }
    });
  });
}

void PromptTurn::review(std::vector<ReadyEdit> edits) {
  review_ = std::make_shared<EditReview>(call_, session_, std::move(edits),
                                         [weak = weak_from_this()](std::vector<std::string> notes) {
                                           const auto self = weak.lock();
                                           if (!self) return;
                                           self->edit_notes_ = std::move(notes);
                                           self->finish("end_turn", true);
                                         });
  review_->start();
}

void PromptTurn::cancel() {
  if (over_) return;
  const auto self = shared_from_this();
  if (job_) job_->cancel();
  if (review_) review_->cancel();
  finish("cancelled", true);
}

void PromptTurn::abandoned() {
  if (over_) return;
  const auto self = shared_from_this();
  over_ = true;
  if (job_) job_->cancel();
  if (review_) review_->cancel();
  release();
}

void PromptTurn::finish(std::string_view stop_reason, bool remember) {
  if (over_) return;
  const auto self = shared_from_this();
  over_ = true;
  if (const auto session = session_.lock(); session && remember) {
    session->history.push_back({{"role", "user"}, {"content", user_message_}});
    std::string said = reply_;
    for (const auto& note : edit_notes_) said += (said.empty() ? "" : "\n\n") + ("(" + note + ")");
    if (!said.empty()) session->history.push_back({{"role", "assistant"}, {"content", said}});
  }
  call_->reply(json{{"stopReason", stop_reason}});
  release();
}

void PromptTurn::fail(const proto::RpcError& error) {
  if (over_) return;
  const auto self = shared_from_this();
  over_ = true;
  call_->fail(error);
  release();
}

void PromptTurn::release() {
  if (const auto session = session_.lock(); session && session->turn.get() == this) session->turn.reset();
}

void PromptTurn::send_chunk(std::string text) {
  if (text.empty()) return;
  if (const auto session = session_.lock()) {
    call_->notify("session/update", session_update(session->id, message_chunk(std::move(text))));
  }
}

bool PromptTurn::is_known_file_block(const Fence& fence) const {
  const auto path = fence_path(fence, cwd_);
  const auto session = session_.lock();
  return path && session && session->files.contains(*path);
}

}  // namespace lamp::acp
