// SPDX-License-Identifier: GPL-3.0-or-later
// The edits recovered from a model reply, independent of the shape the reply had, and what the
// reply is read against.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace lamp::patch {

// What a reply is read against: the file it edits, and the other files it may edit.
struct ReplyContext {
  std::string rel_path;  // to recognise file-name lines and pick the right diff section
  std::string language;
  std::vector<std::string> files;  // paths of wisp.patch `files` (docs/protocol.md, Project context)
};

// Replace the lines `search` (located by content) with `replace`. An empty `search` inserts
// `replace` right after the selection.
struct SearchReplace {
  std::vector<std::string> search;
  std::vector<std::string> replace;
  // When more than one "=======" line could end SEARCH (the file has lines like it): every
  // split, in order, the first one also in search/replace. Applying keeps only a split the file
  // supports (see choose_split in edit_target.hpp) and never guesses between others.
  std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> splits;
};

enum class HunkLineKind { context, removed, added, unmarked };
struct HunkLine {
  HunkLineKind kind;
  std::string text;  // without the one-character prefix
};
// One hunk of a unified diff; its @@ numbers are deliberately not kept.
struct DiffHunk {
  std::vector<HunkLine> lines;
};

// A bare code block: new text for the selection, for a region around it (found from the
// block's first and last lines), or for the whole file. `fenced` is false when the whole
// reply was taken as code, which then needs both ends anchored in the file.
struct RegionReplacement {
  std::vector<std::string> lines;
  bool fenced = true;
};

struct Edit {
  std::variant<SearchReplace, DiffHunk, RegionReplacement> body;
  std::string label;  // how failure messages name it: "SEARCH/REPLACE block 2 of 3"
  std::string file;   // "" : the request's file; else the path of one of ReplyContext::files
};

struct EditPlan {
  std::vector<Edit> edits;
  std::string rationale;
  bool declared_no_change = false;  // the reply said "NO CHANGE" (or JSON equivalent)
};

// Why a reply could not be turned into an edit, precise enough to send back to the model.
struct RepairFailure {
  std::string description;
};

}  // namespace lamp::patch
