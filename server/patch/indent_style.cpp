// SPDX-License-Identifier: GPL-3.0-or-later
// Indentation style detection and level-based re-indentation.
#include "patch/indent_style.hpp"

#include <algorithm>
#include <map>

namespace lamp::patch {
namespace {

bool pure_spaces(std::string_view indent) { return indent.find('\t') == std::string_view::npos; }

std::size_t count_of(std::string_view s, char c) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), c)); }

// The most frequent value (the smallest among equals), or 0 when there is none.
std::size_t most_common(const std::map<std::size_t, std::size_t>& votes) {
  std::size_t best = 0;
  std::size_t best_votes = 0;
  for (const auto& [value, n] : votes) {
    if (n > best_votes) {
      best = value;
      best_votes = n;
    }
  }
  return best;
}

// Votes for the step between consecutive non-blank lines indented with spaces only.
void vote_steps(const std::vector<std::string_view>& lines, std::map<std::size_t, std::size_t>& votes) {
  std::optional<std::size_t> previous;
  for (std::string_view line : lines) {
    if (is_blank(line)) continue;
    const std::string_view indent = leading_whitespace(line);
    if (!pure_spaces(indent)) {
      previous.reset();
      continue;
    }
    if (previous && indent.size() > *previous && indent.size() - *previous >= 2) ++votes[indent.size() - *previous];
    previous = indent.size();
  }
}

}  // namespace

std::string IndentShift::apply(std::string_view line) const {
  if (is_blank(line)) return "";
  if (!active()) return std::string(line);
  const std::string_view indent = leading_whitespace(line);
  const std::string_view rest = line.substr(indent.size());
  if (indent.starts_with(from)) return to + std::string(indent.substr(from.size())) + std::string(rest);
  if (std::string_view(from).starts_with(indent)) {
    const std::size_t remove = from.size() - indent.size();
    return (to.size() >= remove ? to.substr(0, to.size() - remove) : std::string()) + std::string(rest);
  }
  // Tabs against spaces: go by columns.
  const auto cols = static_cast<std::ptrdiff_t>(indent_columns(indent)) -
                    static_cast<std::ptrdiff_t>(indent_columns(from)) +
                    static_cast<std::ptrdiff_t>(indent_columns(to));
  const std::size_t width = cols > 0 ? static_cast<std::size_t>(cols) : 0;
  const bool tabs = to.find('\t') != std::string::npos && width % 8 == 0;
  return (tabs ? std::string(width / 8, '\t') : std::string(width, ' ')) + std::string(rest);
}

IndentShape indent_shape(std::string_view indent) {
  const auto first_space = indent.find(' ');
  if (first_space == std::string_view::npos) return IndentShape::tabs;
  if (first_space == 0) return pure_spaces(indent) ? IndentShape::spaces : IndentShape::other;
  return indent.find('\t', first_space) == std::string_view::npos ? IndentShape::tabs_then_spaces : IndentShape::other;
}

DocumentIndent document_indent(const Lines& doc) {
  DocumentIndent out;
  std::size_t tab_lines = 0;
  std::size_t space_lines = 0;
  std::vector<std::string_view> texts;
  texts.reserve(doc.size());
  for (const auto& line : doc) {
    texts.emplace_back(line.text);
    if (is_blank(line.text)) continue;
    const std::string_view indent = leading_whitespace(line.text);
    if (indent.empty()) continue;
    out.shapes |= static_cast<unsigned>(indent_shape(indent));
    if (indent.starts_with('\t')) {
      ++tab_lines;
    } else if (indent.size() >= 2 && pure_spaces(indent)) {
      ++space_lines;  // a lone space is a " * " comment line, not indentation
    }
  }
  if (tab_lines == 0 && space_lines == 0) return out;
  if (tab_lines > space_lines) {
    out.unit = "\t";
    return out;
  }
  std::map<std::size_t, std::size_t> steps;
  vote_steps(texts, steps);
  const std::size_t width = most_common(steps);
  out.unit = std::string(width == 0 ? 4 : width, ' ');
  return out;
}

Reindenter::Reindenter(const Lines& doc, const std::vector<std::string>& search,
                       const std::vector<std::ptrdiff_t>& search_map, const std::vector<std::string>& replace)
    : doc_(document_indent(doc)) {
  // Document levels of an indentation written in the document's style.
  const bool doc_tabs = doc_.unit == "\t";
  const std::size_t doc_width = doc_tabs || doc_.unit.empty() ? 0 : doc_.unit.size();
  auto doc_levels = [&](std::string_view indent) -> std::size_t {
    if (doc_tabs) return count_of(indent, '\t');
    return doc_width == 0 ? 0 : count_of(indent, ' ') / doc_width + count_of(indent, '\t');
  };
  std::map<std::size_t, std::size_t> votes;
  for (std::size_t j = 0; j < search.size() && j < search_map.size(); ++j) {
    if (search_map[j] < 0 || is_blank(search[j])) continue;
    const std::string_view mine = leading_whitespace(search[j]);
    const std::size_t levels = doc_levels(leading_whitespace(doc[static_cast<std::size_t>(search_map[j])].text));
    if (!mine.empty() && pure_spaces(mine) && levels > 0 && mine.size() % levels == 0) ++votes[mine.size() / levels];
  }
  if (votes.empty()) {
    std::vector<std::string_view> lines(search.begin(), search.end());
    vote_steps(lines, votes);
    lines.assign(replace.begin(), replace.end());
    vote_steps(lines, votes);
  }
  if (const std::size_t unit = most_common(votes); unit > 0) model_unit_ = unit;
}

std::optional<std::string> Reindenter::apply(const IndentShift& shift, std::string_view line) const {
  if (is_blank(line)) return "";
  if (doc_.unit.empty()) return shift.apply(line);  // nothing to follow
  const std::string_view indent = leading_whitespace(line);
  const std::string_view rest = line.substr(indent.size());
  // The model's levels: a tab is one, and so is each model_unit_ of spaces; what is left over
  // is alignment.
  auto levels = [&](std::string_view s) { return count_of(s, '\t') + count_of(s, ' ') / model_unit_; };
  // Alignment beyond the anchor's own.
  const std::size_t spare = count_of(indent, ' ') % model_unit_;
  const std::size_t anchor_spare = count_of(shift.from, ' ') % model_unit_;
  const auto delta = static_cast<std::ptrdiff_t>(levels(indent)) - static_cast<std::ptrdiff_t>(levels(shift.from));
  std::string out = shift.to;
  if (delta >= 0) {
    for (std::ptrdiff_t i = 0; i < delta; ++i) out += doc_.unit;
  } else {
    for (std::ptrdiff_t i = 0; i < -delta && !out.empty(); ++i) {
      out.resize(out.ends_with(doc_.unit) ? out.size() - doc_.unit.size() : out.size() - 1);
    }
  }
  if (spare > anchor_spare) out.append(spare - anchor_spare, ' ');
  if (!out.empty() && !doc_.has(indent_shape(out))) return std::nullopt;
  return out + std::string(rest);
}

}  // namespace lamp::patch
