// SPDX-License-Identifier: GPL-3.0-or-later
// Applies a reply's edits in order, each by the applier for its kind (SEARCH/REPLACE, diff
// hunk, bare code block); all or nothing.
#include "patch/apply_edits.hpp"

#include "patch/apply_hunk.hpp"
#include "patch/edit_target.hpp"
#include "patch/region_replacement.hpp"

namespace lamp::patch {

std::variant<std::string, RepairFailure> apply_edits(std::string_view buffer, ByteRange selection,
                                                     const std::vector<Edit>& edits) {
  EditTarget target(buffer, selection);
  const bool final_newline = buffer.empty() || buffer.back() == '\n';
  for (const auto& edit : edits) {
    std::optional<RepairFailure> failure;
    if (const auto* sr = std::get_if<SearchReplace>(&edit.body); sr && !sr->splits.empty()) {
      auto chosen = choose_split(target, *sr, edit.label);
      if (auto* f = std::get_if<RepairFailure>(&chosen)) return *f;
      const auto& [search, replace] = sr->splits[std::get<std::size_t>(chosen)];
      failure = apply_search_replace(target, search, replace, edit.label);
    } else if (sr) {
      failure = apply_search_replace(target, sr->search, sr->replace, edit.label);
    } else if (const auto* hunk = std::get_if<DiffHunk>(&edit.body)) {
      failure = apply_hunk(target, *hunk, edit.label, edits.size() == 1);
    } else {
      failure = apply_region(target, std::get<RegionReplacement>(edit.body), edit.label);
    }
    if (failure) return *failure;
  }
  return target.text(final_newline);
}

}  // namespace lamp::patch
