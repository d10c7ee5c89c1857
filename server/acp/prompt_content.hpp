// SPDX-License-Identifier: GPL-3.0-or-later
// The content blocks of a session/prompt: validated into text, attached files and links, and
// rendered as the one user message the model sees.
#pragma once

#include "proto/jsonrpc.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace lamp::acp {

using proto::json;

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

}  // namespace lamp::acp
