// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt text for wisp.patch. Format rationale: docs/patch-format.md.
#include "patch/prompt.hpp"

#include "patch/text_lines.hpp"

#include <algorithm>

namespace lamp::patch {
namespace {

constexpr std::string_view kSystemIntro = R"(You are an expert programmer editing one file in the user's text editor.
The user selected a comment or instruction in the file. Make the code change it asks for.

Reply with one or two sentences saying what you changed, then one or more SEARCH/REPLACE blocks:

)";

constexpr std::string_view kSystemRules = R"(
Rules:
- SEARCH must be copied character for character from the file, including indentation,
  comments and blank lines, and must match exactly one place in it. Include a few unchanged
  lines around the change when that is needed to make it unique; otherwise keep blocks small.
- Use one block per place that changes (for example one for an import at the top and one
  where the comment is). Blocks are applied in order.
- REPLACE must contain complete, working code. Never abbreviate with placeholders such as
  "...", "# ... existing code ...", "// rest unchanged": every line you do not repeat is deleted.
- The selected comment is usually a request: replace it with the code it asks for, or keep it
  if it still documents the code.
- The markers [[WISP-SELECTION-BEGIN]] and [[WISP-SELECTION-END]] only show where the
  selection is; they are not in the file. Never put them in SEARCH or REPLACE.
- Follow the file's existing style, indentation and line width.
- Do not reply with a unified diff, JSON, or the whole file.
- If no change is needed, reply with the single line: NO CHANGE: <why>

Example. For a file containing

def total(items):
    # skip None items
    return sum(items)

a good reply is:

Filter out None before summing.

<<<<<<< SEARCH
    # skip None items
    return sum(items)
=======
    return sum(item for item in items if item is not None)
>>>>>>> REPLACE
)";

// A fence longer than any backtick run in `text`.
std::string fence_for(std::string_view text) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

std::string fence_info(std::string_view language) {
  std::string info;
  for (char c : language) {
    if (!is_space(c) && c != '`') info += c;
  }
  return ascii_lower(info);
}

}  // namespace

std::string_view system_prompt() {
  static const std::string text = std::string(kSystemIntro) + std::string(kSearchReplaceBlock) + std::string(kSystemRules);
  return text;
}

std::string marked_buffer(const PatchRequest& req) {
  const std::string_view text = req.buffer_text;
  const std::size_t b = req.selection.begin;
  const std::size_t e = req.selection.end;
  const bool starts_line = b == 0 || text[b - 1] == '\n';
  const bool ends_line = e > b && (text[e - 1] == '\n' || e == text.size());
  std::string out(text.substr(0, b));
  if (starts_line && ends_line) {
    out += kSelectionBegin;
    out += '\n';
    out += text.substr(b, e - b);
    if (text[e - 1] != '\n') out += '\n';
    out += kSelectionEnd;
    out += '\n';
  } else {
    out += kSelectionBegin;
    out += text.substr(b, e - b);
    out += kSelectionEnd;
  }
  out += text.substr(e);
  return normalize_newlines(out);
}

nlohmann::json build_messages(const PatchRequest& req) {
  const std::string buffer = marked_buffer(req);
  const std::string selected = normalize_newlines(req.selected_text());
  const std::string fence = fence_for(buffer);
  std::string user = "File: " + req.rel_path + "\n";
  if (!trim(req.language).empty()) user += "Language: " + std::string(trim(req.language)) + "\n";
  if (!trim(req.comment_style).empty()) user += "Comment syntax: " + std::string(trim(req.comment_style)) + "\n";
  if (!trim(selected).empty()) {
    user += "\nThe selected text:\n" + fence + "\n" + selected + (selected.ends_with('\n') ? "" : "\n") + fence + "\n";
  }
  const bool explicit_instruction = req.instruction && !trim(*req.instruction).empty();
  user += std::string("\nInstruction") + (explicit_instruction ? "" : " (from the selected comment)") + ": " +
          req.effective_instruction() + "\n";
  user += "\nThe whole file, with the selection marked by " + std::string(kSelectionBegin) + " and " +
          std::string(kSelectionEnd) + ":\n";
  user += fence + fence_info(req.language) + "\n" + buffer + (buffer.empty() || buffer.ends_with('\n') ? "" : "\n") +
          fence + "\n";
  if (req.buffer_text.empty()) user += "(The file is empty: use an empty SEARCH part.)\n";
  return nlohmann::json::array({{{"role", "system"}, {"content", std::string(system_prompt())}},
                                {{"role", "user"}, {"content", std::move(user)}}});
}

nlohmann::json build_retry_messages(const PatchRequest& req, std::string_view first_reply,
                                    const RepairFailure& failure) {
  nlohmann::json messages = build_messages(req);
  messages.push_back({{"role", "assistant"}, {"content", std::string(first_reply)}});
  std::string text = "Your reply could not be applied to " + req.rel_path + ":\n\n" + failure.description;
  if (!text.ends_with('\n')) text += '\n';
  text += "\nNone of your edits were applied; the file is still exactly as shown above. Reply again "
          "with the complete set of SEARCH/REPLACE blocks for the whole change. Copy every SEARCH "
          "part exactly from the file (indentation, comments and blank lines included), make each "
          "one match a single place, and write complete code in REPLACE, without placeholders.";
  messages.push_back({{"role", "user"}, {"content", std::move(text)}});
  return messages;
}

}  // namespace lamp::patch
