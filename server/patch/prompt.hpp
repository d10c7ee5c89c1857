// SPDX-License-Identifier: GPL-3.0-or-later
// The chat messages sent upstream for wisp.patch: the first request and the single retry.
#pragma once

#include "patch/edit_plan.hpp"
#include "patch/reply_format.hpp"
#include "patch/request.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <vector>

#include <string>
#include <string_view>

namespace lamp::patch {

// What lamp adds to the prompt beyond the request itself (docs/protocol.md, Project context).
struct PromptContext {
  std::string repo_map;  // the project's files and their definitions; "" leaves it out
  // Shortens a file too big to send whole: the text as shown (selection markers included) and
  // the byte ranges that must stay verbatim (the selections) in, an excerpt out, or nullopt to
  // send the whole text. Unset: files are always sent whole.
  std::function<std::optional<std::string>(std::string_view path, std::string_view text,
                                           const std::vector<ByteRange>& keep)>
      excerpt;
  std::string excerpt_note;  // how to read an excerpt, said before each one
};

// [{role:"system",content}, {role:"user",content}] asking for SEARCH/REPLACE blocks; with
// `refine`, then the earlier proposal as the assistant's answer and the user's note on it.
// With `files`, the system prompt asks for a path line before each block.
nlohmann::json build_messages(const PatchRequest& request, const PromptContext& context = {});

// The first messages, the model's reply, and a user message saying exactly what failed.
nlohmann::json build_retry_messages(const PatchRequest& request, std::string_view first_reply,
                                    const RepairFailure& failure, const PromptContext& context = {});

// The corrective retry when the reply applied but the result no longer parses while the
// original did (docs/patch-format.md, Checking the result): the first messages, the model's
// reply, and a user message quoting the checker (`checker`, e.g. "python3 compile()") and its
// `problems` (diagnostics with the lines around them).
nlohmann::json build_check_retry_messages(const PatchRequest& request, std::string_view first_reply,
                                          std::string_view checker, std::string_view problems,
                                          const PromptContext& context = {});

// The system prompt alone (documented in docs/patch-format.md).
std::string_view system_prompt();
// What the system prompt adds when the request has `files` (docs/patch-format.md, Several files).
std::string_view several_files_rules();
// The system prompt for several comments (`selections`): per-comment lines, then the blocks.
std::string_view several_comments_system_prompt();

// The buffer as shown to the model: "\r\n" as "\n", selection markers inserted (on lines of
// their own when the selection covers whole lines); numbered markers for `selections`.
std::string marked_buffer(const PatchRequest& request);

}  // namespace lamp::patch
