// SPDX-License-Identifier: GPL-3.0-or-later
// Line-level recognisers for model replies and the SEARCH/REPLACE block reader.
#include "patch/reply_syntax.hpp"

#include "patch/reply_files.hpp"
#include "patch/text_lines.hpp"

#include <algorithm>

namespace lamp::patch {

std::vector<Fence> find_fences(const Views& lines) {
  std::vector<Fence> fences;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view t = trim_left(lines[i]);
    if (!(t.starts_with("```") || t.starts_with("~~~"))) continue;
    const char ch = t[0];
    std::size_t len = 0;
    while (len < t.size() && t[len] == ch) ++len;
    std::string_view info = trim(t.substr(len));
    info = info.substr(0, std::min(info.find_first_of(" \t{"), info.size()));
    Fence fence{i, lines.size(), ascii_lower(info)};
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      const std::string_view c = trim(lines[j]);
      if (c.size() >= len && c.find_first_not_of(ch) == std::string_view::npos) {
        fence.close = j;
        break;
      }
    }
    fences.push_back(fence);
    i = fence.close;
  }
  return fences;
}

Marker marker_of(std::string_view raw) {
  const std::string_view line = trim(raw);
  auto run = [&](char c) {
    std::size_t n = 0;
    while (n < line.size() && line[n] == c) ++n;
    return n;
  };
  const std::string word = ascii_lower(trim(line.substr(std::min(line.size(), run(line.empty() ? ' ' : line[0])))));
  if (run('<') >= 5 && run('<') <= 9 &&
      (word.starts_with("search") || word.starts_with("original") || word.starts_with("find") || word == "head")) {
    return Marker::search;
  }
  if (run('-') >= 5 && run('-') <= 9 && word == "search") return Marker::search;
  if (run('=') >= 5 && run('=') <= 9 && word.empty()) return Marker::divider;
  if (run('>') >= 5 && run('>') <= 9 &&
      (word.starts_with("replace") || word.starts_with("updated") || word.empty())) {
    return Marker::replace;
  }
  if (run('+') >= 5 && run('+') <= 9 && word == "replace") return Marker::replace;
  return Marker::none;
}

bool is_fence_line(std::string_view line) {
  const std::string_view t = trim_left(line);
  return t.starts_with("```") || t.starts_with("~~~");
}

bool is_file_name_line(std::string_view line, const ReplyContext& ctx) {
  return file_of_line(line, ctx).has_value();
}

std::optional<CommentLine> comment_line(std::string_view line) {
  std::string_view t = trim(line);
  auto skip = [&t](std::string_view chars) {
    while (!t.empty() && chars.find(t.front()) != std::string_view::npos) t.remove_prefix(1);
  };
  skip("-*`# ");
  if (ascii_lower(t.substr(0, 8)) == "comment ") {
    t.remove_prefix(8);
    skip(" ");
  }
  std::size_t digits = 0;
  while (digits < t.size() && digits < 3 && t[digits] >= '0' && t[digits] <= '9') ++digits;
  if (digits == 0 || digits == t.size() || std::string_view(":.)").find(t[digits]) == std::string_view::npos) {
    return std::nullopt;
  }
  const std::size_t number = static_cast<std::size_t>(std::stoul(std::string(t.substr(0, digits))));
  t.remove_prefix(digits + 1);
  // "**1:** text": the bold closes after the number.
  skip("*` ");
  if (number == 0) return std::nullopt;
  return CommentLine{number, t};
}

std::optional<std::string> no_change_reason(std::string_view line) {
  std::string_view t = trim(line);
  while (!t.empty() && (t.front() == '*' || t.front() == '`' || t.front() == '#' || t.front() == ' ')) t.remove_prefix(1);
  // The per-comment line of a reply to several comments: "2: NO CHANGE: why", "1. No change needed".
  if (auto numbered = comment_line(t)) t = numbered->text;
  const std::string lower = ascii_lower(t.substr(0, 12));
  for (std::string_view tag : {"no changes", "no change", "no_change", "no-change"}) {
    if (!lower.starts_with(tag)) continue;
    std::string_view rest = t.substr(tag.size());
    while (!rest.empty() && (rest.front() == '*' || rest.front() == '`' || rest.front() == ' ')) rest.remove_prefix(1);
    // "NO CHANGE: why", "No changes needed." — but not "No change to the API; here is the code".
    const std::string head = ascii_lower(rest.substr(0, 16));
    const bool tagged = rest.empty() || std::string_view(":.!-").find(rest.front()) != std::string_view::npos ||
                        rest.starts_with("—");
    bool verdict = false;
    for (std::string_view v : {"needed", "required", "necessary", "is needed", "are needed", "is required",
                               "are required", "is necessary", "are necessary"}) {
      verdict = verdict || head.starts_with(v);
    }
    if (!tagged && !verdict) return std::nullopt;
    if (verdict) {  // the sentence itself is the reason: "No changes are needed; it works."
      std::string sentence;
      for (char c : t) {
        if (c != '*' && c != '`') sentence += c;
      }
      return std::string(trim(sentence));
    }
    while (!rest.empty() && std::string_view("*`:.!- ").find(rest.front()) != std::string_view::npos) rest.remove_prefix(1);
    return std::string(trim(rest));
  }
  return std::nullopt;
}

std::vector<std::string> copy_lines(const Views& lines, std::size_t from, std::size_t to) {
  std::vector<std::string> out;
  for (std::size_t i = from; i < to && i < lines.size(); ++i) out.emplace_back(lines[i]);
  return out;
}

namespace {

// The marker line's word, lower-cased: "search" for "<<<<<<< SEARCH", "" for "=======".
std::string marker_word(std::string_view raw) {
  const std::string_view line = trim(raw);
  std::size_t run = 0;
  while (run < line.size() && line[run] == line[0]) ++run;
  return ascii_lower(trim(line.substr(run)));
}

// "<<<<<<< HEAD" and a bare ">>>>>>>": merge-conflict markers some models use for SEARCH and
// REPLACE, and also lines of files that hold a merge conflict.
bool conflict_style(std::string_view line) {
  const Marker marker = marker_of(line);
  return (marker == Marker::search && marker_word(line) == "head") ||
         (marker == Marker::replace && marker_word(line).empty());
}


// A block for a file the request did not send: refused, with the files that may change.
RepairFailure not_given(const std::string& label, const std::string& name, const ReplyContext& ctx) {
  std::string allowed = ctx.rel_path;
  for (const std::string& f : ctx.files) allowed += ", " + f;
  return RepairFailure{label + " is for \"" + name + "\", a file you were not given. Only these files can "
                       "change: " + allowed + ". Put the path of one of them on the line before each block."};
}

}  // namespace

std::variant<SearchReplaceReply, RepairFailure> parse_search_replace(const Views& lines,
                                                                   const ReplyContext& ctx) {
  // A reply that spells its markers out (SEARCH, REPLACE) has merge-conflict-style lines only
  // as content.
  auto spelled_out = [&](Marker wanted) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](std::string_view l) { return marker_of(l) == wanted && !conflict_style(l); });
  };
  const bool spelled_search = spelled_out(Marker::search);
  const bool spelled_replace = spelled_out(Marker::replace);
  auto kind = [&](std::string_view line) {
    const Marker marker = marker_of(line);
    if (conflict_style(line) && (marker == Marker::search ? spelled_search : spelled_replace)) return Marker::none;
    return marker;
  };

  SearchReplaceReply out;
  std::size_t count = 0;
  std::size_t total = 0;
  for (auto line : lines) total += kind(line) == Marker::search ? 1 : 0;
  auto label = [&](std::size_t i) {
    return "SEARCH/REPLACE block " + std::to_string(i) + " of " + std::to_string(total);
  };
  // Some models fence the code inside each part; a fence pair around both parts is markup.
  auto unfence = [](std::vector<std::string>& part) {
    auto first = std::find_if(part.begin(), part.end(), [](const std::string& l) { return !is_blank(l); });
    auto last = std::find_if(part.rbegin(), part.rend(), [](const std::string& l) { return !is_blank(l); });
    if (first == part.end() || first == last.base() - 1 || !is_fence_line(*first) || !is_fence_line(*last)) return false;
    part = std::vector<std::string>(first + 1, last.base() - 1);
    return true;
  };
  // The block's lines between its SEARCH and REPLACE markers, and which of them are dividers.
  bool inside = false;
  std::vector<std::string> body;
  std::vector<std::size_t> dividers;
  // docs/patch-format.md, Several files: the file named last before a block is the block's.
  std::string file;
  std::optional<std::string> unknown_file;  // a path line since the last block naming no file sent
  auto finish = [&] {
    std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> splits;
    for (std::size_t d : dividers) {
      std::vector<std::string> search(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(d));
      std::vector<std::string> replace(body.begin() + static_cast<std::ptrdiff_t>(d) + 1, body.end());
      if (auto s = search, r = replace; unfence(s) && unfence(r)) {
        search = std::move(s);
        replace = std::move(r);
      }
      splits.emplace_back(std::move(search), std::move(replace));
    }
    SearchReplace block{splits.front().first, splits.front().second, {}};
    if (splits.size() > 1) block.splits = std::move(splits);
    out.edits.push_back({std::move(block), file.empty() ? label(count) : label(count) + " for " + file, file});
    inside = false;
    body.clear();
    dividers.clear();
  };
  const auto no_divider = [&] {
    return RepairFailure{label(count) + " has no ======= line between its SEARCH and REPLACE parts."};
  };
  for (auto line : lines) {
    const Marker marker = kind(line);
    if (!inside) {
      if (marker == Marker::search) {
        ++count;
        if (unknown_file && !ctx.files.empty()) return not_given(label(count), *unknown_file, ctx);
        inside = true;
      } else if (is_fence_line(line) || marker != Marker::none) {
        continue;
      } else if (auto named = file_of_line(line, ctx)) {
        file = std::move(*named);
        unknown_file.reset();
      } else {
        if (looks_like_path(line)) unknown_file = std::string(file_name_text(line));
        else if (!is_blank(line)) unknown_file.reset();
        out.prose.emplace_back(line);
      }
      continue;
    }
    switch (marker) {
      case Marker::divider:
        dividers.push_back(body.size());
        body.emplace_back(line);
        break;
      case Marker::replace:
        if (dividers.empty()) return no_divider();
        finish();
        break;
      case Marker::search:  // a forgotten ">>>>>>> REPLACE": the next block starts here
        if (dividers.empty()) return no_divider();
        finish();
        ++count;
        inside = true;
        break;
      case Marker::none:
        body.emplace_back(line);
        break;
    }
  }
  if (inside && dividers.empty()) {
    return RepairFailure{label(count) + " ends without ======= and >>>>>>> REPLACE lines (was the reply cut off?)."};
  }
  if (inside) {
    // Cut off, or the model dropped the end marker: accept it only if a fence closed it.
    while (body.size() > dividers.back() + 1 && is_blank(body.back())) body.pop_back();
    if (body.size() == dividers.back() + 1 || !is_fence_line(body.back())) {
      return RepairFailure{label(count) + " ends without a >>>>>>> REPLACE line (was the reply cut off?)."};
    }
    body.pop_back();
    finish();
  }
  return out;
}

}  // namespace lamp::patch
