// SPDX-License-Identifier: GPL-3.0-or-later
// CtagsTool: universal-ctags run through lamp::proc::run_child, with JSON output, on a list of
// project files or on one text; it keeps only the tags an outline shows (tag.hpp).
#pragma once

#include "context/tag.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lamp::context {

struct CtagsSetup {
  std::string search_path;                      // ":"-separated PATH for ctags; empty: lamp's $PATH
  std::chrono::milliseconds time_limit{10000};  // per ctags run
};

// What `ctags --version` told: usable only when it is Universal Ctags built with JSON output.
struct CtagsProbe {
  bool usable = false;
  std::string program;  // full path of ctags, when found
  std::string status;   // "universal-ctags 5.9.0", "ctags not found on PATH", ...
};

struct CtagsRun {
  bool ok = false;
  bool timed_out = false;
  std::string error;      // why not ok, one line
  std::vector<Tag> tags;  // outline tags only (outline_depth() >= 0), in ctags' order
};

class CtagsTool {
 public:
  explicit CtagsTool(CtagsSetup setup = {});

  // The first call runs `ctags --version` (once, whichever thread asks first); later calls return
  // the same answer. Installing ctags later needs a new CtagsTool.
  const CtagsProbe& probe() const;

  // Tags of `paths` (relative to `working_dir`, passed on stdin with `-L -`). Never throws.
  CtagsRun run(const std::string& working_dir, const std::vector<std::string>& paths) const;

  // Outline tags of `text` as if it were a file named `file_name` (its name or extension picks the
  // language), from a private temporary copy; nullopt when ctags is unusable or fails.
  std::optional<std::vector<Tag>> tags_of_text(std::string_view text, const std::string& file_name) const;

 private:
  CtagsSetup setup_;
  mutable std::once_flag probed_;
  mutable CtagsProbe probe_;
};

}  // namespace lamp::context
