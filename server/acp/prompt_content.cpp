// SPDX-License-Identifier: GPL-3.0-or-later
// ContentBlock validation and the user message built from a prompt's blocks.
#include "acp/prompt_content.hpp"

#include "acp/file_uri.hpp"
#include "acp/params.hpp"

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

}  // namespace lamp::acp
