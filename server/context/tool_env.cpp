// SPDX-License-Identifier: GPL-3.0-or-later
// tool_environment: PATH, HOME and LC_ALL for the context tools' child processes.
#include "context/tool_env.hpp"

#include <cstdlib>

namespace lamp::context {

std::map<std::string, std::string> tool_environment(const std::string& search_path) {
  const char* path = std::getenv("PATH");
  std::map<std::string, std::string> env{
      {"PATH", !search_path.empty() ? search_path : path ? std::string(path) : std::string("/usr/bin:/bin")},
      {"LC_ALL", "C"}};
  if (const char* home = std::getenv("HOME")) env.emplace("HOME", home);
  return env;
}

}  // namespace lamp::context
