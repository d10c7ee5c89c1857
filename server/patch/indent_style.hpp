// SPDX-License-Identifier: GPL-3.0-or-later
// Indentation styles: the document's (tabs, or N spaces per level), the model's (how many of
// its spaces make a level), and re-indenting the lines the model wrote into the document's
// style, so a tab-indented file never gets lines indented with spaces or a mixture.
#pragma once

#include "patch/text_lines.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::patch {

// Maps the model's indentation to the document's: lines indented with `from` get `to`.
struct IndentShift {
  std::string from;
  std::string to;
  std::string apply(std::string_view line) const;
  bool active() const { return from != to; }
};

// How an indentation is made up.
enum class IndentShape : unsigned { tabs = 1, spaces = 2, tabs_then_spaces = 4, other = 8 };
IndentShape indent_shape(std::string_view indent);

struct DocumentIndent {
  std::string unit;     // one level: "\t", "  ", "    "...; "" when nothing is indented
  unsigned shapes = 0;  // the IndentShape bits of the document's indented lines: lamp writes
                        // no indentation of a shape the file does not have
  bool has(IndentShape shape) const { return (shapes & static_cast<unsigned>(shape)) != 0; }
};

DocumentIndent document_indent(const Lines& doc);

// Re-indents the lines of one block of the model's text.
class Reindenter {
 public:
  // `search` and `replace` are the model's; `search_map` maps search lines to document lines
  // (-1 for none). The model's unit is taken from search lines whose document line is known,
  // else from the steps between the model's own space-indented lines, else 4.
  Reindenter(const Lines& doc, const std::vector<std::string>& search,
             const std::vector<std::ptrdiff_t>& search_map, const std::vector<std::string>& replace);

  // `line` moved by `shift` (from the model's indentation to the document's), written with the
  // document's unit: levels the model added or removed become document levels. Nothing when
  // the result would need a mixture of tabs and spaces the document does not have.
  std::optional<std::string> apply(const IndentShift& shift, std::string_view line) const;

  const DocumentIndent& document() const { return doc_; }

 private:
  DocumentIndent doc_;
  std::size_t model_unit_ = 4;  // columns of the model's space indentation per level
};

}  // namespace lamp::patch
