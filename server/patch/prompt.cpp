// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt text for wisp.patch. Format rationale: docs/patch-format.md.
#include "patch/prompt.hpp"

#include "patch/text_lines.hpp"

#include <algorithm>
#include <vector>

namespace lamp::patch {
namespace {

constexpr std::string_view kSystemIntro = R"(You are an expert programmer editing one file in the user's text editor.
The user selected a comment or instruction in the file. Make the code change it asks for.

Reply with one or two sentences saying what you changed, then one or more SEARCH/REPLACE blocks:

)";

// With several comments: the per-comment lines come first (docs/protocol.md).
constexpr std::string_view kSeveralIntro = R"(You are an expert programmer editing one file in the user's text editor.
The user selected several comments in the file, numbered 1 to N. Make the code change each
one asks for.

Start your reply with one line per comment, in order: ")";
constexpr std::string_view kSeveralIntroTail = R"(" or
")";
constexpr std::string_view kSeveralIntroEnd = R"(". Then give the SEARCH/REPLACE blocks
for all the comments:

)";

// The rules both prompts share, in pieces around what differs.
constexpr std::string_view kRulesHead = R"(
Rules:
- SEARCH must be copied character for character from the file, including indentation,
  comments and blank lines, and must match exactly one place in it. Include a few unchanged
  lines around the change when that is needed to make it unique; otherwise keep blocks small.
- Use one block per place that changes (for example one for an import at the top and one
  where the comment is). Blocks are applied in order.
- REPLACE must contain complete, working code. Never abbreviate with placeholders such as
  "...", "# ... existing code ...", "// rest unchanged": every line you do not repeat is deleted.
)";
constexpr std::string_view kSingleRules = R"(- The selected comment is usually a request: replace it with the code it asks for, or keep it
  if it still documents the code.
- The markers [[WISP-SELECTION-BEGIN]] and [[WISP-SELECTION-END]] only show where the
  selection is; they are not in the file. Never put them in SEARCH or REPLACE.
)";
constexpr std::string_view kSeveralRules = R"(- The selected comments are usually requests: replace each with the code it asks for, or keep
  it if it still documents the code.
- The markers [[WISP-SELECTION-BEGIN N]] and [[WISP-SELECTION-END N]] only show where comment
  N is; they are not in the file. Never put them in SEARCH or REPLACE.
)";
constexpr std::string_view kRulesStyle = R"(- Follow the file's existing style, indentation and line width.
- Do not reply with a unified diff, JSON, or the whole file.
)";
constexpr std::string_view kSingleNoChange = R"(- If no change is needed, reply with the single line: NO CHANGE: <why>
)";
constexpr std::string_view kSeveralNoChange = R"(- If no comment needs a change, reply with only the per-comment lines, each "N: NO CHANGE: why".
)";
constexpr std::string_view kExampleFile = R"(
Example. For a file containing

def total(items):
    # skip None items
    return sum(items)

)";
constexpr std::string_view kSingleExampleReply = R"(a good reply is:

Filter out None before summing.
)";
constexpr std::string_view kSeveralExampleReply = R"(where that comment is comment 1, a good reply is:

1: Filter out None before summing.
)";
constexpr std::string_view kExampleBlock = R"(
<<<<<<< SEARCH
    # skip None items
    return sum(items)
=======
    return sum(item for item in items if item is not None)
>>>>>>> REPLACE
)";

// Appended to the system prompt when the request has `files` (docs/patch-format.md).
constexpr std::string_view kSeveralFilesRules = R"(
Several files:
- Besides the file with the selection, you are shown other files of the project. You may edit
  them too when the change needs it (for example a helper, a declaration or a caller).
- Write the path of the file a block changes on a line of its own right before the block,
  exactly as it is shown after "File:", for example:

src/util.py
<<<<<<< SEARCH
def helper():
=======
def helper(verbose=False):
>>>>>>> REPLACE

- Edit only the files shown to you in full. The project map lists other files and their
  definitions for reference only; they cannot be edited here.
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

// A range and the markers shown around it.
struct MarkedRange {
  ByteRange range;
  std::string begin;
  std::string end;
};

// The markers go on lines of their own when a range covers whole lines, else inline.
std::string mark_ranges(std::string_view text, const std::vector<MarkedRange>& ranges) {
  std::string out;
  std::size_t copied = 0;
  for (const MarkedRange& m : ranges) {
    const std::size_t b = m.range.begin;
    const std::size_t e = m.range.end;
    const bool starts_line = b == 0 || text[b - 1] == '\n';
    const bool ends_line = e > b && (text[e - 1] == '\n' || e == text.size());
    out += text.substr(copied, b - copied);
    if (starts_line && ends_line) {
      out += m.begin;
      out += '\n';
      out += text.substr(b, e - b);
      if (text[e - 1] != '\n') out += '\n';
      out += m.end;
      out += '\n';
    } else {
      out += m.begin;
      out += text.substr(b, e - b);
      out += m.end;
    }
    copied = e;
  }
  out += text.substr(copied);
  return normalize_newlines(out);
}

std::string file_header(const PatchRequest& req) {
  std::string user = "File: " + req.rel_path + "\n";
  if (!trim(req.language).empty()) user += "Language: " + std::string(trim(req.language)) + "\n";
  if (!trim(req.comment_style).empty()) user += "Comment syntax: " + std::string(trim(req.comment_style)) + "\n";
  return user;
}

std::string fenced(std::string_view info, const std::string& text) {
  const std::string fence = fence_for(text);
  return fence + fence_info(info) + "\n" + text + (text.empty() || text.ends_with('\n') ? "" : "\n") + fence + "\n";
}

// The byte ranges of `shown` between each selection's begin and end markers, markers included.
std::vector<ByteRange> marked_ranges(const PatchRequest& req, std::string_view shown) {
  std::vector<ByteRange> out;
  std::size_t from = 0;
  for (std::size_t i = 0; i < req.selections.size(); ++i) {
    const std::string begin = req.several ? numbered_selection_begin(i + 1) : std::string(kSelectionBegin);
    const std::string end = req.several ? numbered_selection_end(i + 1) : std::string(kSelectionEnd);
    const std::size_t b = shown.find(begin, from);
    const std::size_t e = b == std::string_view::npos ? b : shown.find(end, b);
    if (e == std::string_view::npos) break;
    out.push_back({b, e + end.size()});
    from = e + end.size();
  }
  return out;
}

// Ahead of the file: "The whole file, with <what is marked>:" and the fenced text, or an
// excerpt of it when the context shortens a big file.
std::string shown_file(const PatchRequest& req, const PromptContext& ctx, const std::string& marked,
                       const std::string& marked_what) {
  if (ctx.excerpt) {
    if (auto excerpt = ctx.excerpt(req.rel_path, marked, marked_ranges(req, marked))) {
      return "\nThe file is too long to show whole: below are the lines around the selection and an outline "
             "of the rest, with " + marked_what + ". " + ctx.excerpt_note + "\n" + fenced(req.language, *excerpt);
    }
  }
  return "\nThe whole file, with " + marked_what + ":\n" + fenced(req.language, marked);
}

// The project map and the other files the model may edit (docs/protocol.md, Project context).
std::string project_context(const PatchRequest& req, const PromptContext& ctx) {
  std::string out;
  if (!ctx.repo_map.empty()) {
    out += "\nThe project's map: its files and their definitions (for reference; not editable):\n" +
           fenced("", ctx.repo_map);
  }
  if (req.files.empty()) return out;
  out += "\nOther files you may edit (put a file's path on the line before each of its blocks):\n";
  for (const ContextFile& file : req.files) {
    const std::size_t dot = file.path.find_last_of('.');
    const std::size_t slash = file.path.find_last_of('/');
    const std::string ext =
        dot == std::string::npos || (slash != std::string::npos && dot < slash) ? "" : file.path.substr(dot + 1);
    std::optional<std::string> excerpt;
    const std::string text = normalize_newlines(file.text);
    if (ctx.excerpt) excerpt = ctx.excerpt(file.path, text, {});
    out += "\nFile: " + file.path + "\n" + (excerpt ? ctx.excerpt_note + "\n" : "") + fenced(ext, excerpt ? *excerpt : text);
  }
  return out;
}

// The user message for `selections` (docs/protocol.md): the numbered comments with their
// lines and instructions, the note for all of them, the marked file, the reply's first lines.
std::string several_comments_message(const PatchRequest& req, const PromptContext& ctx) {
  const std::string buffer = marked_buffer(req);
  std::string user = project_context(req, ctx);
  user += (user.empty() ? "" : "\n") + file_header(req);
  user += "\nThe selected comments, numbered 1 to " + std::to_string(req.selections.size()) + ":\n";
  std::size_t line = 1;
  std::size_t counted = 0;
  for (std::size_t i = 0; i < req.selections.size(); ++i) {
    const CommentSelection& sel = req.selections[i];
    line += static_cast<std::size_t>(std::count(req.buffer_text.begin() + static_cast<std::ptrdiff_t>(counted),
                                                req.buffer_text.begin() + static_cast<std::ptrdiff_t>(sel.range.begin), '\n'));
    counted = sel.range.begin;
    std::string instruction;
    for (std::string_view part : split_content(sel.effective_instruction)) {
      instruction += (instruction.empty() ? "" : "\n  ") + std::string(part);
    }
    user += "Comment " + std::to_string(i + 1) + " (line " + std::to_string(line) + "): " + instruction + "\n";
  }
  if (req.instruction && !trim(*req.instruction).empty()) {
    user += "\nNote for every comment: " + std::string(trim(*req.instruction)) + "\n";
  }
  user += shown_file(req, ctx, buffer,
                     "comment N marked by " + std::string(kNumberedSelectionBeginPrefix) + "N" +
                         std::string(kNumberedSelectionClose) + " and " + std::string(kNumberedSelectionEndPrefix) +
                         "N" + std::string(kNumberedSelectionClose));
  user += "\nStart your reply with one line per comment, 1 to " + std::to_string(req.selections.size()) + ": \"" +
          std::string(kCommentLineChanged) + "\" or \"" + std::string(kCommentLineNoChange) +
          "\". Then give the SEARCH/REPLACE blocks for all the comments.\n";
  return user;
}

}  // namespace

std::string_view system_prompt() {
  static const std::string text = std::string(kSystemIntro) + std::string(kSearchReplaceBlock) +
                                  std::string(kRulesHead) + std::string(kSingleRules) + std::string(kRulesStyle) +
                                  std::string(kSingleNoChange) + std::string(kExampleFile) +
                                  std::string(kSingleExampleReply) + std::string(kExampleBlock);
  return text;
}

std::string_view several_comments_system_prompt() {
  static const std::string text =
      std::string(kSeveralIntro) + std::string(kCommentLineChanged) + std::string(kSeveralIntroTail) +
      std::string(kCommentLineNoChange) + std::string(kSeveralIntroEnd) + std::string(kSearchReplaceBlock) +
      std::string(kRulesHead) + std::string(kSeveralRules) + std::string(kRulesStyle) + std::string(kSeveralNoChange) +
      std::string(kExampleFile) + std::string(kSeveralExampleReply) + std::string(kExampleBlock);
  return text;
}

std::string_view several_files_rules() { return kSeveralFilesRules; }

std::string marked_buffer(const PatchRequest& req) {
  std::vector<MarkedRange> ranges;
  if (!req.several) {
    ranges.push_back({req.selection, std::string(kSelectionBegin), std::string(kSelectionEnd)});
  } else {
    for (std::size_t i = 0; i < req.selections.size(); ++i) {
      ranges.push_back({req.selections[i].range, numbered_selection_begin(i + 1), numbered_selection_end(i + 1)});
    }
  }
  return mark_ranges(req.buffer_text, ranges);
}

namespace {

nlohmann::json first_messages(const PatchRequest& req, const PromptContext& ctx) {
  std::string system(req.several ? several_comments_system_prompt() : system_prompt());
  if (!req.files.empty()) system += several_files_rules();
  if (req.several) {
    return nlohmann::json::array({{{"role", "system"}, {"content", std::move(system)}},
                                  {{"role", "user"}, {"content", several_comments_message(req, ctx)}}});
  }
  const std::string buffer = marked_buffer(req);
  const std::string selected = normalize_newlines(req.selected_text());
  std::string user = project_context(req, ctx);
  user += (user.empty() ? "" : "\n") + file_header(req);
  if (!trim(selected).empty()) user += "\nThe selected text:\n" + fenced("", selected);
  const bool explicit_instruction = req.instruction && !trim(*req.instruction).empty();
  user += std::string("\nInstruction") + (explicit_instruction ? "" : " (from the selected comment)") + ": " +
          req.effective_instruction() + "\n";
  user += shown_file(req, ctx, buffer,
                     "the selection marked by " + std::string(kSelectionBegin) + " and " + std::string(kSelectionEnd));
  if (req.buffer_text.empty()) user += "(The file is empty: use an empty SEARCH part.)\n";
  return nlohmann::json::array({{{"role", "system"}, {"content", std::move(system)}},
                                {{"role", "user"}, {"content", std::move(user)}}});
}

}  // namespace

nlohmann::json build_messages(const PatchRequest& req, const PromptContext& ctx) {
  nlohmann::json messages = first_messages(req, ctx);
  if (!req.refine) return messages;
  // docs/protocol.md, Refining a proposal: the earlier proposal is the model's own answer, the
  // note the user's reply to it.
  const Refinement& refine = *req.refine;
  const std::string diff = normalize_newlines(refine.patch);
  const std::string fence = fence_for(diff);
  std::string answer = trim(refine.rationale).empty() ? "" : normalize_newlines(std::string(trim(refine.rationale))) + "\n\n";
  answer += (req.files.empty() ? "The change as a diff of " + req.rel_path : std::string("The change as a diff")) +
            ":\n" + fence + "diff\n" + diff +
            (diff.ends_with('\n') ? "" : "\n") + fence + "\n";
  messages.push_back({{"role", "assistant"}, {"content", std::move(answer)}});
  std::string note = "I reviewed that change and did not apply it, so the file is still exactly as shown "
                     "above. My note on it:\n\n" +
                     normalize_newlines(std::string(trim(refine.note))) +
                     "\n\nAnswer again, in the same format as your first answer (";
  note += req.several ? "one line per comment, then " : "";
  note += "SEARCH/REPLACE blocks for the whole change, following my note). Copy every SEARCH part from the "
          "file as shown above, not from your earlier change.";
  messages.push_back({{"role", "user"}, {"content", std::move(note)}});
  return messages;
}

nlohmann::json build_retry_messages(const PatchRequest& req, std::string_view first_reply,
                                    const RepairFailure& failure, const PromptContext& ctx) {
  nlohmann::json messages = build_messages(req, ctx);
  messages.push_back({{"role", "assistant"}, {"content", std::string(first_reply)}});
  std::string text = "Your reply could not be applied" + (req.files.empty() ? " to " + req.rel_path : "") + ":\n\n" +
                     failure.description;
  if (!text.ends_with('\n')) text += '\n';
  text += std::string("\nNone of your edits were applied; ") +
          (req.files.empty() ? "the file is" : "the files are") + " still exactly as shown above. Reply again "
          "with the complete set of SEARCH/REPLACE blocks for the whole change. Copy every SEARCH "
          "part exactly from the file (indentation, comments and blank lines included), make each "
          "one match a single place, and write complete code in REPLACE, without placeholders.";
  messages.push_back({{"role", "user"}, {"content", std::move(text)}});
  return messages;
}

nlohmann::json build_check_retry_messages(const PatchRequest& req, std::string_view first_reply,
                                          std::string_view checker, std::string_view problems,
                                          const PromptContext& ctx) {
  nlohmann::json messages = build_messages(req, ctx);
  messages.push_back({{"role", "assistant"}, {"content", std::string(first_reply)}});
  std::string text = "Your edits applied" + (req.files.empty() ? " to " + req.rel_path : "") +
                     ", but the result no longer parses (checked with " +
                     std::string(checker) + "; the file parsed before your edits):\n\n" + std::string(problems);
  if (!text.ends_with('\n')) text += '\n';
  text += "\nThe line numbers are those of the file after your edits. None of your edits were kept; the file is "
          "still exactly as shown above. Reply again with the complete set of SEARCH/REPLACE blocks for the "
          "whole change, with the syntax error fixed. Copy every SEARCH part exactly from the file, make each "
          "one match a single place, and write complete code in REPLACE, without placeholders.";
  messages.push_back({{"role", "user"}, {"content", std::move(text)}});
  return messages;
}

}  // namespace lamp::patch
