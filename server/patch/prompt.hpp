// SPDX-License-Identifier: GPL-3.0-or-later
// The chat messages sent upstream for wisp.patch: the first request and the single retry.
#pragma once

#include "patch/edit_plan.hpp"
#include "patch/reply_format.hpp"
#include "patch/request.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace lamp::patch {

// [{role:"system",content}, {role:"user",content}] asking for SEARCH/REPLACE blocks; with
// `refine`, then the earlier proposal as the assistant's answer and the user's note on it.
nlohmann::json build_messages(const PatchRequest& request);

// The first messages, the model's reply, and a user message saying exactly what failed.
nlohmann::json build_retry_messages(const PatchRequest& request, std::string_view first_reply,
                                    const RepairFailure& failure);

// The corrective retry when the reply applied but the result no longer parses while the
// original did (docs/patch-format.md, Checking the result): the first messages, the model's
// reply, and a user message quoting the checker (`checker`, e.g. "python3 compile()") and its
// `problems` (diagnostics with the lines around them).
nlohmann::json build_check_retry_messages(const PatchRequest& request, std::string_view first_reply,
                                          std::string_view checker, std::string_view problems);

// The system prompt alone (documented in docs/patch-format.md).
std::string_view system_prompt();
// The system prompt for several comments (`selections`): per-comment lines, then the blocks.
std::string_view several_comments_system_prompt();

// The buffer as shown to the model: "\r\n" as "\n", selection markers inserted (on lines of
// their own when the selection covers whole lines); numbered markers for `selections`.
std::string marked_buffer(const PatchRequest& request);

}  // namespace lamp::patch
