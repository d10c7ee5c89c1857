// SPDX-License-Identifier: GPL-3.0-or-later
// Three-way walk over the document range, the model's search lines and its replacement.
#include "patch/replacement_merge.hpp"

#include "patch/elision.hpp"
#include "patch/line_alignment.hpp"

#include <algorithm>
#include <optional>

namespace lamp::patch {
namespace {

std::vector<std::string> squashed(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  out.reserve(lines.size());
  for (const auto& line : lines) out.push_back(squash_whitespace(line));
  return out;
}

std::string quote(std::string_view line) { return "`" + std::string(trim(line)) + "`"; }

}  // namespace

bool is_placeholder(const Lines& doc, std::string_view line) {
  if (classify_elision(line) == Elision::none) return false;
  const std::string key = squash_whitespace(line);
  for (const auto& d : doc) {
    if (squash_whitespace(d.text) == key) return false;  // the file really has this line
  }
  return true;
}

IndentShift shift_for(const Lines& doc, const std::vector<std::string>& search,
                      const std::vector<std::ptrdiff_t>& search_map) {
  for (std::size_t j = 0; j < search.size(); ++j) {
    if (is_blank(search[j]) || search_map[j] < 0) continue;
    return {std::string(leading_whitespace(search[j])),
            std::string(leading_whitespace(doc[static_cast<std::size_t>(search_map[j])].text))};
  }
  return {};
}

std::variant<Lines, RepairFailure> merge_replacement(const BlockReplacement& block) {
  const auto& [doc, begin, end, search, smap, replace, shift, label, local_shifts] = block;
  const auto aligned = align_lines(squashed(search), squashed(replace));
  if (!aligned) {
    return RepairFailure{label + " is too large to compare line by line with the file; send "
                         "smaller SEARCH/REPLACE blocks."};
  }
  const std::vector<std::ptrdiff_t>& pmap = *aligned;  // replace line -> search line
  std::vector<std::ptrdiff_t> s_to_p(search.size(), -1);
  for (std::size_t k = 0; k < pmap.size(); ++k) {
    if (pmap[k] >= 0) s_to_p[static_cast<std::size_t>(pmap[k])] = static_cast<std::ptrdiff_t>(k);
  }
  std::vector<bool> mapped(end - begin, false);
  for (std::ptrdiff_t d : smap) {
    if (d >= 0) mapped[static_cast<std::size_t>(d) - begin] = true;
  }
  // The shift an unchanged (aligned) replacement line k carries: its search line's indentation
  // onto its document line's.
  auto pair_shift = [&](std::size_t k) -> std::optional<IndentShift> {
    if (pmap[k] < 0 || is_blank(replace[k])) return std::nullopt;
    const auto j = static_cast<std::size_t>(pmap[k]);
    if (smap[j] < 0) return std::nullopt;
    return IndentShift{std::string(leading_whitespace(search[j])),
                       std::string(leading_whitespace(doc[static_cast<std::size_t>(smap[j])].text))};
  };
  auto shift_near = [&](std::size_t q) -> IndentShift {
    if (!local_shifts) return shift;
    for (std::size_t k = q + 1; k-- > 0;) {
      if (auto s = pair_shift(k)) return *s;
    }
    for (std::size_t k = q + 1; k < replace.size(); ++k) {
      if (auto s = pair_shift(k)) return *s;
    }
    return shift;
  };

  Lines out;
  std::optional<RepairFailure> failure;
  bool used_marker = false;
  // A line the model wrote, in the document's indentation style.
  const Reindenter reindent(doc, search, smap, replace);
  auto write = [&](const IndentShift& s, const std::string& line) {
    if (auto text = reindent.apply(s, line)) {
      out.push_back({std::move(*text), ""});
    } else if (!failure) {
      const std::string& unit = reindent.document().unit;
      failure = RepairFailure{label + " indents " + quote(line) + " in a way the file's indentation cannot "
                              "express without mixing tabs and spaces; the file indents with " +
                              (unit == "\t" ? std::string("tabs") : std::to_string(unit.size()) + " spaces") +
                              " per level. Indent REPLACE like the file."};
    }
  };
  // Emits new replacement lines [from, to) lying between search lines s_prev and s_next.
  auto emit_new = [&](std::size_t from, std::size_t to, std::ptrdiff_t s_prev, std::ptrdiff_t s_next) {
    bool expanded = false;
    for (std::size_t q = from; q < to && !failure; ++q) {
      if (!is_placeholder(doc, replace[q])) {
        write(shift_near(q), replace[q]);
        continue;
      }
      // The placeholder stands for the search lines dropped between its neighbours, except
      // those that new lines on either side of it evidently rewrite.
      std::ptrdiff_t first = s_prev + 1;
      std::ptrdiff_t last = s_next - 1;
      for (std::size_t k = from; k < q && first <= last && similar_lines(replace[k], search[static_cast<std::size_t>(first)]); ++k) ++first;
      for (std::size_t k = to; k > q + 1 && first <= last && similar_lines(replace[k - 1], search[static_cast<std::size_t>(last)]); --k) --last;
      Lines elided;
      for (std::ptrdiff_t j = first; j <= last; ++j) {
        const std::ptrdiff_t d = smap[static_cast<std::size_t>(j)];
        if (d >= 0) elided.push_back(doc[static_cast<std::size_t>(d)]);
      }
      if (elided.empty()) {
        if (classify_elision(replace[q]) == Elision::bare) {
          write(shift_near(q), replace[q]);  // "..." that replaces nothing is code
          continue;
        }
        failure = RepairFailure{label + " contains the placeholder line " + quote(replace[q]) +
                                " instead of real code. Write out the complete code; never "
                                "abbreviate with comments like that."};
      } else if (expanded) {
        failure = RepairFailure{label + " has several placeholder lines (like " + quote(replace[q]) +
                                ") in one place, so the code they stand for is ambiguous. Write "
                                "out the complete code."};
      } else {
        expanded = true;
        used_marker = used_marker || classify_elision(replace[q]) == Elision::marker;
        for (auto& line : elided) out.push_back(std::move(line));
      }
    }
  };

  std::size_t doc_pos = begin;
  auto keep_unmapped_until = [&](std::size_t stop) {
    for (; doc_pos < stop; ++doc_pos) {
      if (!mapped[doc_pos - begin]) out.push_back(doc[doc_pos]);
    }
  };
  std::size_t p_next = 0;
  std::ptrdiff_t last_aligned = -1;
  for (std::size_t j = 0; j < search.size() && !failure; ++j) {
    const std::ptrdiff_t d = smap[j];
    if (d >= 0) {
      keep_unmapped_until(static_cast<std::size_t>(d));
      doc_pos = static_cast<std::size_t>(d) + 1;
    }
    const std::ptrdiff_t k = s_to_p[j];
    if (k < 0) continue;  // the model deletes this line
    emit_new(p_next, static_cast<std::size_t>(k), last_aligned, static_cast<std::ptrdiff_t>(j));
    p_next = static_cast<std::size_t>(k) + 1;
    last_aligned = static_cast<std::ptrdiff_t>(j);
    if (d < 0) continue;  // context the document does not have (a skipped blank line)
    const std::string& line = replace[static_cast<std::size_t>(k)];
    if (line == search[j]) {
      out.push_back(doc[static_cast<std::size_t>(d)]);
    } else {
      write(local_shifts ? pair_shift(static_cast<std::size_t>(k)).value_or(shift) : shift, line);
    }
  }
  if (!failure) {
    keep_unmapped_until(end);
    emit_new(p_next, replace.size(), last_aligned, static_cast<std::ptrdiff_t>(search.size()));
  }
  if (failure) return *failure;
  // A reply whose only content is a placeholder standing for the code it was asked to change.
  if (used_marker && out.size() == end - begin &&
      std::equal(out.begin(), out.end(), doc.begin() + static_cast<std::ptrdiff_t>(begin),
                 [](const Line& a, const Line& b) { return a.text == b.text; })) {
    return RepairFailure{label + " replaces code with a placeholder comment and changes nothing else. "
                                 "Write out the complete new code."};
  }
  return out;
}

}  // namespace lamp::patch
