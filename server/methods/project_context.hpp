// SPDX-License-Identifier: GPL-3.0-or-later
// What wisp.patch tells the model about the project beyond the files it sends (docs/protocol.md,
// Project context): the repo map, and excerpts of files too big to send whole. One per server.
#pragma once

#include "context/repo_map.hpp"
#include "patch/prompt.hpp"
#include "patch/request.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace lamp::methods {

struct ProjectContextOptions {
  std::size_t repo_map_bytes = 4096;    // LAMP_REPO_MAP_BYTES; 0 leaves the map out
  std::size_t full_file_bytes = 24576;  // LAMP_FULL_FILE_BYTES: a bigger file is sent as an excerpt
  std::string search_path;              // PATH for ctags and git; empty: lamp's $PATH
};

class ProjectContext {
 public:
  explicit ProjectContext(ProjectContextOptions options);

  // Blocking (runs ctags and git; call it on the cpu pool): the map of the request's project
  // (unless `context.repo_map` is false or there is no project root) and the excerpter. The
  // excerpter refers to this object and to `request`, which must outlive it.
  patch::PromptContext prompt_for(const patch::PatchRequest& request);

  // server.describe's `context`: {repo_map: {available, status, max_bytes}, full_file_bytes}.
  nlohmann::json describe() const;

 private:
  ProjectContextOptions options_;
  context::RepoMapCache maps_;
};

}  // namespace lamp::methods
