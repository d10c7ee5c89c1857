// SPDX-License-Identifier: GPL-3.0-or-later
// The file's new text from the model's block for it, through the wisp.patch engine's reply
// parser and repairing applier (server/patch): SEARCH/REPLACE blocks or whole new content.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace lamp::acp {

struct EditFailure {
  std::string description;  // what could not be applied, for the user
};

// The edited text (equal to `old_text` when the block changes nothing), or why the block does
// not apply. `name` is how the file is named in the block (for file-name lines in the reply).
std::variant<std::string, EditFailure> apply_edit_block(std::string_view old_text,
                                                        std::string_view block_body,
                                                        std::string_view name);

}  // namespace lamp::acp
