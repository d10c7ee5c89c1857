// SPDX-License-Identifier: GPL-3.0-or-later
// The document being edited and the SEARCH/REPLACE core every applier builds on.
#include "patch/edit_target.hpp"

#include "patch/replacement_merge.hpp"

#include <algorithm>

namespace lamp::patch {
namespace {

std::size_t line_of(std::string_view text, std::size_t offset) {
  return static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

bool all_blank(const std::vector<std::string>& lines) {
  return std::all_of(lines.begin(), lines.end(), [](const std::string& l) { return is_blank(l); });
}

std::string quote_block(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

// The first non-blank line's indentation.
std::string first_indent(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    if (!is_blank(line)) return std::string(leading_whitespace(line));
  }
  return "";
}

// A search of one line that is part of a document line: "foo(1)" in "  x = foo(1) + 2".
std::optional<std::size_t> replace_fragment(EditTarget& t, std::string_view needle,
                                            std::string_view replacement, std::size_t from) {
  needle = trim(needle);
  if (needle.size() < 3) return std::nullopt;
  std::optional<std::size_t> line;
  std::size_t column = 0;
  for (std::size_t i = from; i < t.lines.size(); ++i) {
    for (std::size_t at = t.lines[i].text.find(needle); at != std::string::npos;
         at = t.lines[i].text.find(needle, at + 1)) {
      if (line) return std::nullopt;  // more than one occurrence
      line = i;
      column = at;
    }
  }
  if (!line) return std::nullopt;
  Line edited = t.lines[*line];
  edited.text.replace(column, needle.size(), trim(replacement));
  t.splice(*line, *line + 1, {std::move(edited)});
  return *line + 1;
}

// Splits a block at placeholder lines in its SEARCH part ("..." meaning "lines skipped").
std::optional<std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>>> split_at_placeholders(
    const Lines& doc, const std::vector<std::string>& search, const std::vector<std::string>& replace) {
  auto pieces = [&](const std::vector<std::string>& lines) {
    std::vector<std::vector<std::string>> out(1);
    for (const auto& line : lines) {
      if (is_placeholder(doc, line)) {
        out.emplace_back();
      } else {
        out.back().push_back(line);
      }
    }
    return out;
  };
  auto s = pieces(search);
  auto r = pieces(replace);
  if (s.size() != r.size()) return std::nullopt;
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> out;
  for (std::size_t i = 0; i < s.size(); ++i) out.emplace_back(std::move(s[i]), std::move(r[i]));
  return out;
}

}  // namespace

EditTarget::EditTarget(std::string_view buffer, ByteRange selection)
    : lines(split_lines(buffer)), eol(dominant_eol(lines)) {
  sel_first = line_of(buffer, selection.begin);
  if (selection.end > selection.begin) {
    sel_end = line_of(buffer, selection.end - 1) + 1;
    insert_at = sel_end;
  } else {
    sel_end = sel_first;
    const bool at_line_start = selection.begin == 0 || buffer[selection.begin - 1] == '\n';
    insert_at = std::min(at_line_start ? sel_first : sel_first + 1, lines.size());
  }
}

void EditTarget::splice(std::size_t begin, std::size_t end, Lines replacement) {
  const std::size_t count = replacement.size();
  lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(begin), lines.begin() + static_cast<std::ptrdiff_t>(end));
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(begin), std::make_move_iterator(replacement.begin()),
               std::make_move_iterator(replacement.end()));
  keys.reset();
  const auto delta = static_cast<std::ptrdiff_t>(count) - static_cast<std::ptrdiff_t>(end - begin);
  auto shifted = [&](std::size_t v) { return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(v) + delta); };
  if (end <= sel_first && !(begin == end && begin == insert_at && sel_first == sel_end)) {
    sel_first = shifted(sel_first);
    sel_end = shifted(sel_end);
    insert_at = shifted(insert_at);
  } else if (begin >= sel_end && begin >= insert_at) {
    if (begin == insert_at && begin == end) insert_at += count;
  } else {
    sel_first = std::min(sel_first, begin);
    sel_end = begin + count;
    insert_at = sel_end;
  }
}

std::string EditTarget::text(bool final_newline) const {
  Lines out = lines;
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i].eol.empty()) out[i].eol = eol;
  }
  if (!out.empty()) {
    if (!final_newline) {
      out.back().eol.clear();
    } else if (out.back().eol.empty()) {
      out.back().eol = eol;
    }
  }
  return join_lines(out);
}

std::string EditTarget::selection_indent() const {
  if (sel_first >= lines.size()) return "";
  return std::string(leading_whitespace(lines[sel_first].text));
}

std::optional<RepairFailure> insert_at_selection(EditTarget& t, const std::vector<std::string>& replace,
                                                 const std::string& label, std::size_t* end_line) {
  const std::vector<std::string> no_search;
  const std::vector<std::ptrdiff_t> no_map;
  IndentShift shift;
  const std::string want = t.selection_indent();
  const std::string have = first_indent(replace);
  if (indent_columns(have) < indent_columns(want)) shift = {have, want};
  auto built = merge_replacement({t.lines, t.insert_at, t.insert_at, no_search, no_map, replace, shift, label});
  if (auto* failure = std::get_if<RepairFailure>(&built)) return *failure;
  auto& lines = std::get<Lines>(built);
  const std::size_t at = t.insert_at;
  const std::size_t count = lines.size();
  t.splice(at, at, std::move(lines));
  if (end_line) *end_line = at + count;
  return std::nullopt;
}

namespace {

// `lines` without the "  123<TAB>" an excerpt puts before each line, when every line that is
// not blank has one; else nullopt.
std::optional<std::vector<std::string>> without_excerpt_numbers(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  bool any = false;
  for (const std::string& line : lines) {
    if (is_blank(line)) {
      out.push_back(line);
      continue;
    }
    std::size_t i = line.find_first_not_of(' ');
    const std::size_t digits = i;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
    if (i == digits || i >= line.size() || line[i] != '\t') return std::nullopt;
    out.push_back(line.substr(i + 1));
    any = true;
  }
  if (!any) return std::nullopt;
  return out;
}

}  // namespace

std::optional<RepairFailure> apply_search_replace(EditTarget& t, const std::vector<std::string>& search,
                                                  const std::vector<std::string>& replace,
                                                  const std::string& label, std::size_t from,
                                                  std::size_t* end_line) {
  const bool search_elides = std::any_of(search.begin(), search.end(),
                                         [&](const std::string& l) { return is_placeholder(t.lines, l); });
  if (search_elides) {
    auto pieces = split_at_placeholders(t.lines, search, replace);
    if (!pieces) {
      return RepairFailure{label + " skips lines with a placeholder (\"...\") in its SEARCH part; SEARCH "
                                   "must be copied exactly from the file, without omissions."};
    }
    std::size_t at = from;
    for (const auto& [s, r] : *pieces) {
      if (all_blank(s)) {
        if (all_blank(r)) continue;
        return RepairFailure{label + " adds lines next to a placeholder (\"...\") in its SEARCH part, so "
                                     "their place is unknown; copy the lines around them exactly."};
      }
      if (auto failure = apply_search_replace(t, s, r, label, at, &at)) return failure;
    }
    if (end_line) *end_line = at;
    return std::nullopt;
  }

  if (all_blank(search)) return insert_at_selection(t, replace, label, end_line);

  Located found = locate(t.lines, search, from, t.keys);
  if (found.matches.size() > 1) {
    return RepairFailure{label + " matches " + std::to_string(found.matches.size()) + " places in the file (" +
                         describe_lines(found.matches) + ", comparing " + level_name(found.level) +
                         "). Add more of the surrounding unchanged lines to its SEARCH part so that it "
                         "matches exactly one place. Its SEARCH part was:\n" + quote_block(search)};
  }
  if (found.matches.empty()) {
    // Copied from an excerpt (docs/protocol.md, Project context) with the line numbers in front.
    if (auto unnumbered = without_excerpt_numbers(search)) {
      return apply_search_replace(t, *unnumbered, without_excerpt_numbers(replace).value_or(replace), label, from,
                                  end_line);
    }
    std::vector<std::string> s_lines, r_lines;
    for (const auto& l : search) if (!is_blank(l)) s_lines.push_back(l);
    for (const auto& l : replace) if (!is_blank(l)) r_lines.push_back(l);
    if (s_lines.size() == 1 && r_lines.size() <= 1) {
      if (auto end = replace_fragment(t, s_lines[0], r_lines.empty() ? "" : r_lines[0], from)) {
        if (end_line) *end_line = *end;
        return std::nullopt;
      }
    }
    std::string message = label + " did not match any part of the file. Its SEARCH part was:\n" +
                          quote_block(search);
    const std::string closest = describe_closest(t.lines, search);
    if (!closest.empty()) message += closest;
    message += "SEARCH must be copied exactly from the file as it is now (the file shown above; "
               "none of your edits were applied).";
    return RepairFailure{message};
  }

  const Match& match = found.matches.front();
  auto built = merge_replacement({t.lines, match.begin, match.end, search, match.map, replace,
                                  shift_for(t.lines, search, match.map), label});
  if (auto* failure = std::get_if<RepairFailure>(&built)) return *failure;
  auto& lines = std::get<Lines>(built);
  const std::size_t count = lines.size();
  t.splice(match.begin, match.end, std::move(lines));
  if (end_line) *end_line = match.begin + count;
  return std::nullopt;
}

std::variant<std::size_t, RepairFailure> choose_split(EditTarget& t, const SearchReplace& block,
                                                      const std::string& label) {
  struct Candidate {
    std::size_t split;
    std::size_t line;  // where its SEARCH part is in the file
  };
  std::vector<Candidate> found;
  std::string tried;  // where each divider-like line is, counted from the SEARCH marker
  for (std::size_t i = 0; i < block.splits.size(); ++i) {
    const auto& search = block.splits[i].first;
    tried += (tried.empty() ? "" : ", ") + std::to_string(search.size() + 1);
    if (all_blank(search)) continue;
    const Located located = locate(t.lines, search, 0, t.keys);
    if (located.matches.size() == 1) found.push_back({i, located.matches.front().begin});
  }
  const std::string lines_like = label + " has " + std::to_string(block.splits.size()) +
                                 " lines that look like its ======= divider (lines " + tried +
                                 " after its SEARCH marker), as the file has lines like that too";
  if (found.empty()) {
    return RepairFailure{lines_like + ", and for none of them is the part before it found exactly once in the "
                                      "file. Copy SEARCH exactly from the file, lines like ======= included, and "
                                      "put exactly one ======= line between SEARCH and REPLACE."};
  }
  if (std::any_of(found.begin(), found.end(), [&](const Candidate& c) { return c.line != found.front().line; })) {
    std::string places;
    for (const auto& c : found) {
      places += (places.empty() ? "" : "; ") + std::string("ending SEARCH at line ") +
                std::to_string(block.splits[c.split].first.size() + 1) + " matches line " + std::to_string(c.line + 1) +
                " of the file";
    }
    return RepairFailure{lines_like + ", and they give different edits (" + places +
                         "). Make SEARCH longer so that only one reading matches the file."};
  }
  return found.back().split;
}

}  // namespace lamp::patch
