// SPDX-License-Identifier: GPL-3.0-or-later
// The small environment ctags and git run with (run_child passes nothing else on): the PATH to
// find them and their helpers, HOME for git's own configuration, and the C locale.
#pragma once

#include <map>
#include <string>

namespace lamp::context {

// `search_path` empty: lamp's own $PATH.
std::map<std::string, std::string> tool_environment(const std::string& search_path);

}  // namespace lamp::context
