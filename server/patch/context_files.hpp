// SPDX-License-Identifier: GPL-3.0-or-later
// wisp.patch `files` (docs/protocol.md, Project context): the other files of the project the
// model sees and may edit, validated against the project root.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace lamp::patch {

// One entry of `files`: a path relative to the project root (normalized, "/"-separated) and
// the file's text as the editor holds it.
struct ContextFile {
  std::string path;
  std::string text;
};

// At most this many entries in `files`.
inline constexpr std::size_t kMaxContextFiles = 50;

// Validates `files`: an array of at most kMaxContextFiles objects {path, text}; a project root
// is required; a path must be relative, inside the root (no ".." after normalizing), free of
// control characters, not the request's own file (`request_rel`) and not given twice; a text
// must be valid UTF-8. Throws InvalidRequest naming the field, e.g. "files[1].path".
std::vector<ContextFile> parse_context_files(const nlohmann::json& files, const std::string& project_root,
                                             const std::string& request_rel);

}  // namespace lamp::patch
