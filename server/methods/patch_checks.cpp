// SPDX-License-Identifier: GPL-3.0-or-later
// Per-file syntax checks of a wisp.patch proposal and their place in the result.
#include "methods/patch_checks.hpp"

#include "check/report_text.hpp"
#include "check/syntax_check.hpp"

#include <future>
#include <string_view>

namespace lamp::methods {
namespace {

using nlohmann::json;

// A changed file as the checker sees it.
struct Target {
  std::string file;      // REL
  std::string path;      // what picks the checker (by extension)
  std::string language;  // the request's language for its own file, else "" (the extension decides)
  std::string_view original;
  std::string_view edited;
};

std::vector<Target> targets(const patch::PatchRequest& req, const patch::PatchReady& ready) {
  std::vector<Target> out;
  if (ready.edited_text != req.buffer_text) {
    out.push_back({req.rel_path, req.file_path, req.language, req.buffer_text, ready.edited_text});
  }
  for (const patch::FileEdit& f : ready.other_files) out.push_back({f.path, f.path, "", f.original, f.edited});
  return out;
}

json file_summary(const FileReport& r, const OriginalChecks& originals) {
  json summary = {{"language", r.report.language}};
  if (!r.report.checker.empty()) summary["checker"] = r.report.checker;
  if (r.report.ran) {
    summary["ok"] = r.report.ok();
    auto original = originals.find(r.file);
    if (original != originals.end() && original->second.ran) summary["original_ok"] = original->second.ok();
  } else {
    summary["skipped"] = r.report.skipped;
    if (r.report.timed_out) summary["timed_out"] = true;
  }
  return summary;
}

}  // namespace

std::vector<FileReport> check_proposal_files(const patch::PatchRequest& req, const patch::PatchReady& ready,
                                             OriginalChecks& originals, const check::CheckOptions& options) {
  const std::vector<Target> files = targets(req, ready);
  std::vector<std::future<check::CheckReport>> edited;
  std::vector<std::pair<std::string, std::future<check::CheckReport>>> original;
  for (const Target& t : files) {
    edited.push_back(std::async(std::launch::async, [&t, &options] {
      return check::check_syntax(t.path, t.language, t.edited, options);
    }));
    if (!originals.contains(t.file)) {
      original.emplace_back(t.file, std::async(std::launch::async, [&t, &options] {
                              return check::check_syntax(t.path, t.language, t.original, options);
                            }));
    }
  }
  std::vector<FileReport> reports;
  for (std::size_t i = 0; i < files.size(); ++i) reports.push_back({files[i].file, edited[i].get()});
  for (auto& [file, report] : original) originals[file] = report.get();
  return reports;
}

const FileReport* first_regression(const std::vector<FileReport>& reports, const OriginalChecks& originals) {
  for (const FileReport& r : reports) {
    auto original = originals.find(r.file);
    if (original != originals.end() && original->second.ok() && r.report.broken()) return &r;
  }
  return nullptr;
}

std::string regression_problems(const patch::PatchRequest& req, const patch::PatchReady& ready,
                                const FileReport& regressed) {
  std::string_view text = ready.edited_text;
  for (const patch::FileEdit& f : ready.other_files) {
    if (f.path == regressed.file) text = f.edited;
  }
  const std::string problems = check::diagnostics_with_context(regressed.report, text);
  return req.files.empty() ? problems : "In " + regressed.file + ":\n" + problems;
}

json diagnostics_json(const std::vector<FileReport>& reports) {
  json out = json::array();
  for (const FileReport& r : reports) {
    for (const auto& d : r.report.diagnostics) out.push_back({{"file", r.file}, {"line", d.line}, {"message", d.message}});
  }
  return out;
}

json check_summary(const std::vector<FileReport>& reports, const OriginalChecks& originals, bool retried) {
  json summary = reports.empty() ? json::object() : file_summary(reports.front(), originals);
  if (reports.size() > 1) {
    json files = json::array();
    bool all_ok = true;
    for (const FileReport& r : reports) {
      json one = file_summary(r, originals);
      one["file"] = r.file;
      all_ok = all_ok && !r.report.broken();
      files.push_back(std::move(one));
    }
    summary["ok"] = all_ok;
    summary["files"] = std::move(files);
  }
  if (retried) summary["retried"] = true;
  return summary;
}

}  // namespace lamp::methods
