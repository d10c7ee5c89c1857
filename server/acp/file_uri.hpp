// SPDX-License-Identifier: GPL-3.0-or-later
// Local file paths from ACP resource URIs ("file:///a%20b" -> "/a b") and path normalization,
// so resources, links and the model's edit blocks all name a file the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lamp::acp {

// The absolute local path a URI or path names: "file:///x", "file://localhost/x" or "/x"
// (percent-escapes decoded, "." and ".." removed). Anything else (http:, untitled:, a relative
// path) -> nullopt.
std::optional<std::string> path_from_uri(std::string_view uri);

// `path` made absolute against `cwd` (itself absolute) and normalized lexically.
std::string absolute_path(std::string_view path, std::string_view cwd);

// "/a/./b/../c" -> "/a/c"; `path` must be absolute.
std::string normalize_path(std::string_view path);

}  // namespace lamp::acp
