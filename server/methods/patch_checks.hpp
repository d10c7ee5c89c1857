// SPDX-License-Identifier: GPL-3.0-or-later
// The syntax checks of a wisp.patch proposal (docs/protocol.md, Checks), one per changed file:
// which files, running them side by side, and the result's `diagnostics` and `check`.
#pragma once

#include "check/report.hpp"
#include "patch/patch_engine.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lamp::methods {

// A changed file's check: its name in the result and what the checker said of its new text.
struct FileReport {
  std::string file;  // REL, as in the patch's headers
  check::CheckReport report;
};

// The checks of each file's text as it was sent, by REL: run once per call, whatever the turn.
using OriginalChecks = std::map<std::string, check::CheckReport>;

// Blocking (call it on the cpu pool): checks every changed file of `ready`, the request's file
// first, and each one's original text when `originals` does not have it yet (added there).
// Every check of one call runs at the same time: a checker's start-up is most of its time.
std::vector<FileReport> check_proposal_files(const patch::PatchRequest& request, const patch::PatchReady& ready,
                                             OriginalChecks& originals, const check::CheckOptions& options);

// The first file whose new text no longer parses while its original did.
const FileReport* first_regression(const std::vector<FileReport>& reports, const OriginalChecks& originals);

// The problems of a regressed file for the corrective retry: its diagnostics with the lines
// around them (named by file when the request has `files`).
std::string regression_problems(const patch::PatchRequest& request, const patch::PatchReady& ready,
                                const FileReport& regressed);

// `diagnostics`: [{file, line, message}] over every file.
nlohmann::json diagnostics_json(const std::vector<FileReport>& reports);

// `check`: the first file's summary ({language, checker?, ok | skipped, original_ok?, timed_out?}),
// `retried` when the corrective retry ran, and with several files `files` (one summary each,
// with its `file`) and an `ok` that holds only when every file that was checked parses.
nlohmann::json check_summary(const std::vector<FileReport>& reports, const OriginalChecks& originals, bool retried);

}  // namespace lamp::methods
