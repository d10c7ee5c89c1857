// SPDX-License-Identifier: GPL-3.0-or-later
// Line-level recognisers for model replies and the SEARCH/REPLACE block reader.
#include "patch/reply_syntax.hpp"

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
  std::string_view t = trim(line);
  while (!t.empty() && (t.front() == '#' || t.front() == '*' || t.front() == '`' || t.front() == ' ')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == '*' || t.back() == '`' || t.back() == ':' || t.back() == ' ')) t.remove_suffix(1);
  if (t.empty()) return false;
  const std::string_view rel = ctx.rel_path;
  const std::string_view base = rel.substr(rel.find_last_of('/') == std::string_view::npos ? 0 : rel.find_last_of('/') + 1);
  return t == rel || t == base || (t.size() > base.size() && t.ends_with(base) && t[t.size() - base.size() - 1] == '/');
}

std::optional<std::string> no_change_reason(std::string_view line) {
  std::string_view t = trim(line);
  while (!t.empty() && (t.front() == '*' || t.front() == '`' || t.front() == '#' || t.front() == ' ')) t.remove_prefix(1);
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

std::variant<SearchReplaceReply, RepairFailure> parse_search_replace(const Views& lines,
                                                                   const ReplyContext& ctx) {
  SearchReplaceReply out;
  enum class State { outside, search, replace } state = State::outside;
  SearchReplace block;
  std::size_t count = 0;
  std::size_t total = 0;
  for (auto line : lines) total += marker_of(line) == Marker::search ? 1 : 0;
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
  auto finish = [&] {
    if (auto s = block.search, r = block.replace; unfence(s) && unfence(r)) {
      block.search = std::move(s);
      block.replace = std::move(r);
    }
    out.edits.push_back({std::move(block), label(count)});
    block = {};
    state = State::outside;
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Marker marker = marker_of(lines[i]);
    switch (state) {
      case State::outside:
        if (marker == Marker::search) {
          ++count;
          state = State::search;
        } else if (!is_fence_line(lines[i]) && !is_file_name_line(lines[i], ctx) && marker == Marker::none) {
          out.prose.emplace_back(lines[i]);
        }
        break;
      case State::search:
        if (marker == Marker::divider) {
          state = State::replace;
        } else if (marker == Marker::replace || marker == Marker::search) {
          return RepairFailure{label(count) + " has no ======= line between its SEARCH and REPLACE parts."};
        } else {
          block.search.emplace_back(lines[i]);
        }
        break;
      case State::replace:
        if (marker == Marker::replace) {
          finish();
        } else if (marker == Marker::search) {
          finish();  // a forgotten ">>>>>>> REPLACE": the next block starts here
          ++count;
          state = State::search;
        } else {
          block.replace.emplace_back(lines[i]);
        }
        break;
    }
  }
  if (state == State::search) {
    return RepairFailure{label(count) + " ends without ======= and >>>>>>> REPLACE lines (was the reply cut off?)."};
  }
  if (state == State::replace) {
    // Cut off, or the model dropped the end marker: accept it only if a fence closed it.
    while (!block.replace.empty() && is_blank(block.replace.back())) block.replace.pop_back();
    if (block.replace.empty() || !is_fence_line(block.replace.back())) {
      return RepairFailure{label(count) + " ends without a >>>>>>> REPLACE line (was the reply cut off?)."};
    }
    block.replace.pop_back();
    finish();
  }
  return out;
}

}  // namespace lamp::patch
