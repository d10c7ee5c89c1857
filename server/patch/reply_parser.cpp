// SPDX-License-Identifier: GPL-3.0-or-later
// Reply shape detection, in order of specificity: SEARCH/REPLACE markers, a JSON envelope,
// a unified diff, a "NO CHANGE" line, one fenced code block, finally the bare reply as code.
#include "patch/reply_parser.hpp"

#include "patch/diff_reader.hpp"
#include "patch/json_reply.hpp"
#include "patch/reply_files.hpp"
#include "patch/reply_format.hpp"
#include "patch/reply_syntax.hpp"
#include "patch/text_lines.hpp"
#include "proto/utf8.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace lamp::patch {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxRationale = 2000;

struct Parsed {
  std::vector<Edit> edits;
  std::vector<std::string> prose;
  std::optional<std::string> rationale;  // set by a JSON envelope
  bool no_change = false;
};
using ParseResult = std::variant<Parsed, RepairFailure>;

ParseResult parse_text(std::string_view text, const ReplyContext& ctx, int depth);

// ---------------------------------------------------------------- JSON envelopes

constexpr std::array<const char*, 8> kPatchKeys = {"patch", "diff", "unified_diff", "udiff",
                                                   "edit", "search_replace", "blocks", "hunks"};
constexpr std::array<std::pair<const char*, const char*>, 11> kPairKeys = {{
    {"search", "replace"}, {"old", "new"}, {"find", "replace"}, {"original", "updated"},
    {"original", "replacement"}, {"old_string", "new_string"}, {"old_text", "new_text"},
    {"old_code", "new_code"}, {"before", "after"}, {"old_str", "new_str"}, {"from", "to"}}};
constexpr std::array<const char*, 7> kListKeys = {"edits", "changes", "replacements", "blocks",
                                                  "hunks", "patches", "operations"};
constexpr std::array<const char*, 17> kRegionKeys = {
    "code", "replacement", "new_code", "region", "selection", "rewrite", "rewritten",
    "updated_code", "content", "file", "new_content", "full_file", "file_content",
    "updated_file", "new_file", "result", "output"};
constexpr std::array<const char*, 11> kRationaleKeys = {
    "rationale", "explanation", "reason", "reasoning", "description", "summary",
    "message", "comment", "notes", "thoughts", "analysis"};

const std::string* string_at(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

bool declares_no_change(const json& obj) {
  for (const char* key : {"no_change", "noChange", "unchanged"}) {
    auto it = obj.find(key);
    if (it != obj.end() && it->is_boolean() && it->get<bool>()) return true;
  }
  for (const char* key : {"changed", "change_needed", "changes_needed"}) {
    auto it = obj.find(key);
    if (it != obj.end() && it->is_boolean() && !it->get<bool>()) return true;
  }
  return false;
}

bool has_edit_keys(const json& obj) {
  if (declares_no_change(obj)) return true;
  for (const char* key : kPatchKeys) if (string_at(obj, key)) return true;
  for (const char* key : kRegionKeys) if (string_at(obj, key)) return true;
  for (const auto& [a, b] : kPairKeys) if (string_at(obj, a) && string_at(obj, b)) return true;
  for (const char* key : kListKeys) {
    auto it = obj.find(key);
    if (it != obj.end() && it->is_array() && !it->empty()) return true;
  }
  return false;
}

void relabel(std::vector<Edit>& edits, const std::string& where) {
  for (auto& edit : edits) edit.label = edit.label + " (in " + where + ")";
}

std::optional<RepairFailure> edits_from_fields(const json& obj, const ReplyContext& ctx, int depth, Parsed& out);

// Edits from one JSON object (the envelope itself or an element of an "edits" array); a
// "path" (or "file_path", "filename") names the file they are for.
std::optional<RepairFailure> edits_from_object(const json& obj, const ReplyContext& ctx, int depth, Parsed& out) {
  const std::size_t first = out.edits.size();
  if (auto failure = edits_from_fields(obj, ctx, depth, out)) return failure;
  for (const char* key : {"path", "file_path", "filepath", "filename", "file_name"}) {
    const std::string* name = string_at(obj, key);
    if (name == nullptr) continue;
    const std::optional<std::string> file = file_of_name(*name, ctx);
    if (!file && !ctx.files.empty()) {
      return RepairFailure{"An edit in the JSON is for \"" + *name + "\", a file you were not given."};
    }
    for (std::size_t i = first; i < out.edits.size(); ++i) {
      if (!out.edits[i].file.empty() || !file || file->empty()) continue;  // a path line inside wins
      out.edits[i].file = *file;
      out.edits[i].label += " for " + *file;
    }
    break;
  }
  return std::nullopt;
}

std::optional<RepairFailure> edits_from_fields(const json& obj, const ReplyContext& ctx, int depth, Parsed& out) {
  for (const auto& [a, b] : kPairKeys) {
    const std::string* search = string_at(obj, a);
    const std::string* replace = string_at(obj, b);
    if (search && replace) {
      out.edits.push_back({SearchReplace{split_content_copy(*search), split_content_copy(*replace), {}},
                           "the JSON \"" + std::string(a) + "\"/\"" + b + "\" edit", ""});
      return std::nullopt;
    }
  }
  auto nested = [&](const std::string& text, const std::string& where, bool as_code) -> std::optional<RepairFailure> {
    ParseResult sub = parse_text(text, ctx, depth + 1);
    if (auto* failure = std::get_if<RepairFailure>(&sub)) return *failure;
    auto& parsed = std::get<Parsed>(sub);
    for (auto& edit : parsed.edits) {
      if (auto* region = std::get_if<RegionReplacement>(&edit.body); region && as_code) region->fenced = true;
    }
    relabel(parsed.edits, where);
    std::move(parsed.edits.begin(), parsed.edits.end(), std::back_inserter(out.edits));
    out.no_change = out.no_change || parsed.no_change;
    return std::nullopt;
  };
  for (const char* key : kPatchKeys) {
    if (const std::string* text = string_at(obj, key)) return nested(*text, "the JSON \"" + std::string(key) + "\" field", false);
  }
  for (const char* key : kRegionKeys) {
    if (const std::string* text = string_at(obj, key)) return nested(*text, "the JSON \"" + std::string(key) + "\" field", true);
  }
  for (const char* key : kListKeys) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_array()) continue;
    for (const auto& item : *it) {
      std::optional<RepairFailure> failure;
      if (item.is_object()) {
        failure = edits_from_object(item, ctx, depth, out);
      } else if (item.is_string()) {
        failure = nested(item.get<std::string>(), "the JSON \"" + std::string(key) + "\" list", false);
      }
      if (failure) return failure;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<ParseResult> parse_json_envelope(std::string_view text, const ReplyContext& ctx, int depth) {
  const std::string lang = ascii_lower(ctx.language);
  const bool editing_json = lang.find("json") != std::string::npos || ctx.rel_path.ends_with(".json");
  if (editing_json && !trim(text).starts_with("{")) return std::nullopt;  // a fenced block is the file
  // Not inside a fence of another language: a Python dict or JS object is code, not a reply.
  const Views lines = split_content(text);
  std::vector<std::pair<std::size_t, std::size_t>> code_fences;  // byte ranges of their bodies
  for (const Fence& f : find_fences(lines)) {
    if (f.info.empty() || f.info == "json" || f.info == "jsonc" || f.info == "json5") continue;
    const std::size_t from = static_cast<std::size_t>(lines[f.open].data() - text.data());
    const std::size_t to = f.close < lines.size() ? static_cast<std::size_t>(lines[f.close].data() - text.data()) : text.size();
    code_fences.emplace_back(from, to);
  }
  auto outside_code = [&](std::size_t at) {
    return std::none_of(code_fences.begin(), code_fences.end(), [&](const auto& r) { return at >= r.first && at < r.second; });
  };
  auto found = find_json_object(text, [](const json& obj) { return has_edit_keys(obj); }, outside_code);
  if (!found) return std::nullopt;
  Parsed out;
  if (auto failure = edits_from_object(found->value, ctx, depth, out)) return *failure;
  out.no_change = out.no_change || declares_no_change(found->value);
  for (const char* key : kRationaleKeys) {
    if (const std::string* r = string_at(found->value, key)) {
      out.rationale = *r;
      break;
    }
  }
  std::string outside(text.substr(0, found->begin));
  outside += '\n';
  outside += text.substr(found->end);
  for (auto line : split_content(outside)) {
    if (!is_fence_line(line)) out.prose.emplace_back(line);
  }
  return out;
}

// ---------------------------------------------------------------- unified diffs

bool is_diff_info(const std::string& info) { return info == "diff" || info == "patch" || info == "udiff"; }

std::optional<ParseResult> parse_diff(const Views& lines, const std::vector<Fence>& fences, const ReplyContext& ctx) {
  std::vector<FileDiff> files;
  Views outside;
  Views prose;
  std::size_t next = 0;
  for (const Fence& f : fences) {
    for (; next < f.open; ++next) outside.push_back(lines[next]);
    const Views body(lines.begin() + static_cast<std::ptrdiff_t>(f.open + 1),
                     lines.begin() + static_cast<std::ptrdiff_t>(f.close));
    if (is_diff_info(f.info) || looks_like_diff(body)) {
      auto read = read_diff(body, /*bounded=*/true);
      std::move(read.begin(), read.end(), std::back_inserter(files));
    }
    next = std::min(f.close + 1, lines.size());
  }
  for (; next < lines.size(); ++next) outside.push_back(lines[next]);
  if (looks_like_diff(outside)) {
    auto read = read_diff(outside, /*bounded=*/false, &prose);
    std::move(read.begin(), read.end(), std::back_inserter(files));
  } else {
    prose = outside;
  }
  if (files.empty()) return std::nullopt;

  // Each section's file (docs/patch-format.md, Several files). Without `files`, only the
  // sections about the request's file are kept; a single section is the request file's
  // whatever it is called.
  std::vector<std::string> section_file(files.size());
  if (files.size() > 1 || !ctx.files.empty()) {
    std::vector<FileDiff> kept;
    std::vector<std::string> kept_file;
    for (auto& f : files) {
      std::optional<std::string> file;
      for (const std::string& name : {f.new_name, f.old_name}) {
        if (!file && name != "/dev/null") file = file_of_name(name, ctx);
      }
      if (!file && !ctx.files.empty() && files.size() > 1) {
        const std::string& name = f.new_name.empty() || f.new_name == "/dev/null" ? f.old_name : f.new_name;
        return RepairFailure{"The diff changes " + name + ", a file you were not given; only " + ctx.rel_path +
                             " and the other files sent can change."};
      }
      if (!file && files.size() > 1) continue;
      kept_file.push_back(file.value_or(""));
      kept.push_back(std::move(f));
    }
    if (kept.empty()) {
      return RepairFailure{"The diff changes " + std::to_string(files.size()) + " files and none of them is " +
                           ctx.rel_path + "; send the changes for " + ctx.rel_path + " only."};
    }
    files = std::move(kept);
    section_file = std::move(kept_file);
  }
  Parsed out;
  std::size_t total = 0;
  for (const auto& f : files) total += f.hunks.size();
  std::size_t index = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    for (auto& h : files[i].hunks) {
      ++index;
      std::string label = "diff hunk " + std::to_string(index) + " of " + std::to_string(total);
      if (!h.header.empty()) label += " (" + h.header + ")";
      if (!section_file[i].empty()) label += " for " + section_file[i];
      out.edits.push_back({std::move(h.hunk), std::move(label), section_file[i]});
    }
  }
  for (auto line : prose) {
    if (!is_fence_line(line) && !is_file_name_line(line, ctx)) out.prose.emplace_back(line);
  }
  return out;
}

// ---------------------------------------------------------------- code blocks

bool is_shell_info(const std::string& info) {
  for (std::string_view s : {"sh", "bash", "shell", "console", "zsh", "powershell", "cmd", "text", "output", "terminal"}) {
    if (info == s) return true;
  }
  return false;
}

std::optional<ParseResult> parse_code_blocks(const Views& lines, const std::vector<Fence>& fences,
                                             const ReplyContext& ctx) {
  std::vector<const Fence*> code;
  for (const Fence& f : fences) code.push_back(&f);
  if (code.size() > 1) {
    const std::string lang = ascii_lower(ctx.language);
    const bool shell_file = lang.find("sh") != std::string::npos;
    std::erase_if(code, [&](const Fence* f) { return !shell_file && is_shell_info(f->info); });
  }
  if (code.empty()) return std::nullopt;
  if (code.size() > 1) {
    return RepairFailure{"The reply has " + std::to_string(code.size()) + " code blocks and no SEARCH/REPLACE "
                         "blocks, so it is unclear which code goes where. Send SEARCH/REPLACE blocks."};
  }
  const Fence& f = *code.front();
  Parsed out;
  out.edits.push_back({RegionReplacement{copy_lines(lines, f.open + 1, f.close), true}, "the code block", ""});
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i >= f.open && i <= f.close) continue;
    if (!is_fence_line(lines[i]) && !is_file_name_line(lines[i], ctx)) out.prose.emplace_back(lines[i]);
  }
  return out;
}

// ---------------------------------------------------------------- dispatch

ParseResult parse_text(std::string_view text, const ReplyContext& ctx, int depth) {
  const Views lines = split_content(text);
  if (std::any_of(lines.begin(), lines.end(), [](auto l) { return marker_of(l) == Marker::search; })) {
    auto blocks = parse_search_replace(lines, ctx);
    if (auto* failure = std::get_if<RepairFailure>(&blocks)) return *failure;
    auto& reply = std::get<SearchReplaceReply>(blocks);
    Parsed out;
    out.edits = std::move(reply.edits);
    out.prose = std::move(reply.prose);
    return out;
  }
  if (depth == 0) {
    if (auto parsed = parse_json_envelope(text, ctx, depth)) return std::move(*parsed);
  }
  const auto fences = find_fences(lines);
  if (auto parsed = parse_diff(lines, fences, ctx)) return std::move(*parsed);
  for (auto line : lines) {
    if (auto reason = no_change_reason(line)) {
      Parsed out;
      out.no_change = true;
      for (auto l : lines) {
        if (auto r = no_change_reason(l)) {
          // A per-comment line keeps its number: it is that comment's note.
          if (comment_line(l)) out.prose.emplace_back(trim(l));
          else if (!r->empty()) out.prose.push_back(*r);
        } else if (!is_fence_line(l)) {
          out.prose.emplace_back(l);
        }
      }
      return out;
    }
  }
  if (auto parsed = parse_code_blocks(lines, fences, ctx)) return std::move(*parsed);
  if (is_blank(text)) return RepairFailure{"The reply is empty."};
  Parsed out;
  out.edits.push_back({RegionReplacement{copy_lines(lines, 0, lines.size()), false}, "the reply", ""});
  return out;
}

std::string strip_thinking(std::string_view reply) {
  std::string out(reply);
  for (auto [open, close] : {std::pair{"<think>", "</think>"}, std::pair{"<thinking>", "</thinking>"}}) {
    for (std::size_t at = out.find(open); at != std::string::npos; at = out.find(open, at)) {
      const std::size_t end = out.find(close, at);
      if (end == std::string::npos) break;
      out.erase(at, end + std::string_view(close).size() - at);
    }
  }
  return out;
}

// Removes every "[[WISP-SELECTION-BEGIN N]]" (or END) from `text`; true when there was one.
bool erase_numbered_markers(std::string& text) {
  bool had = false;
  for (std::string_view prefix : {kNumberedSelectionBeginPrefix, kNumberedSelectionEndPrefix}) {
    std::size_t at = 0;
    while ((at = text.find(prefix, at)) != std::string::npos) {
      std::size_t digits = at + prefix.size();
      while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
      if (digits > at + prefix.size() &&
          text.compare(digits, kNumberedSelectionClose.size(), kNumberedSelectionClose) == 0) {
        text.erase(at, digits + kNumberedSelectionClose.size() - at);
        had = true;
      } else {
        ++at;
      }
    }
  }
  return had;
}

// Removes the selection markers the prompt showed, should the model have copied them.
std::string strip_selection_markers(std::string_view reply) {
  std::string out;
  for (auto line : split_content(reply)) {
    std::string text(line);
    bool had = erase_numbered_markers(text);
    for (std::string_view marker : {kSelectionBegin, kSelectionEnd}) {
      for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker)) {
        text.erase(at, marker.size());
        had = true;
      }
    }
    if (had && is_blank(text)) continue;  // the marker had a line of its own
    out += text;
    out += '\n';
  }
  return out;
}

std::string tidy_rationale(const std::vector<std::string>& prose) {
  std::string out;
  bool blank_pending = false;
  for (const auto& raw : prose) {
    const std::string_view line = trim_right(raw);
    if (is_blank(line)) {
      blank_pending = !out.empty();
      continue;
    }
    if (blank_pending) out += "\n\n";
    else if (!out.empty()) out += '\n';
    blank_pending = false;
    out += line;
  }
  if (out.size() > kMaxRationale) {
    const std::size_t cut = out.rfind(' ', kMaxRationale);
    out = proto::utf8_prefix(out, cut == std::string::npos ? kMaxRationale : cut) + " …";
  }
  return out;
}

}  // namespace

std::variant<EditPlan, RepairFailure> parse_reply(std::string_view reply, const ReplyContext& context) {
  const std::string text = strip_selection_markers(normalize_newlines(strip_thinking(reply)));
  ParseResult result = parse_text(text, context, 0);
  if (auto* failure = std::get_if<RepairFailure>(&result)) return *failure;
  auto& parsed = std::get<Parsed>(result);
  EditPlan plan;
  plan.edits = std::move(parsed.edits);
  plan.declared_no_change = parsed.no_change && plan.edits.empty();
  plan.rationale = parsed.rationale ? tidy_rationale(split_content_copy(*parsed.rationale)) : tidy_rationale(parsed.prose);
  if (plan.edits.empty() && !plan.declared_no_change) {
    return RepairFailure{"The reply contains no edit: no SEARCH/REPLACE block, diff or code block was found."};
  }
  return plan;
}

}  // namespace lamp::patch
