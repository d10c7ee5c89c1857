// SPDX-License-Identifier: GPL-3.0-or-later
// One ACP edit block applied in memory with the patch engine; the whole file is the selection.
#include "acp/edit_apply.hpp"

#include "patch/apply_edits.hpp"
#include "patch/reply_parser.hpp"

#include <algorithm>

namespace lamp::acp {
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
    auto parsed = patch::parse_reply(fenced(block_body), patch::ReplyContext{std::string(name), ""});
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

}  // namespace lamp::acp
