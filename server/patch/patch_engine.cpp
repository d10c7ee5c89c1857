// SPDX-License-Identifier: GPL-3.0-or-later
// make_patch: parse -> apply in memory -> remove consumed markers -> diff -> verify -> map the
// hunks to the comments.
#include "patch/patch_engine.hpp"

#include "patch/apply_edits.hpp"
#include "patch/comment_map.hpp"
#include "patch/consumed_markers.hpp"
#include "patch/reply_parser.hpp"
#include "patch/strict_apply.hpp"
#include "patch/unified_diff.hpp"
#include "patch/errors.hpp"

#include <map>

namespace lamp::patch {

namespace {

NoChange no_change(const PatchRequest& req, std::string rationale) {
  NoChange none{std::move(rationale), {}};
  if (req.several) none.comments = map_comments(req, "", none.rationale);
  return none;
}

// The diff of one file, verified to turn `original` into `edited`.
std::string verified_diff(std::string_view original, std::string_view edited, std::string_view rel) {
  std::string diff = unified_diff(original, edited, rel);
  std::string verified;
  try {
    verified = apply_unified_diff(original, diff);
  } catch (const PatchMismatch& e) {
    throw EngineFailure("generated diff of " + std::string(rel) + " failed verification: " + e.what());
  }
  if (verified != edited) {
    throw EngineFailure("generated diff of " + std::string(rel) + " does not reproduce the edited text");
  }
  return diff;
}

}  // namespace

ReplyContext reply_context(const PatchRequest& req) {
  ReplyContext context{req.rel_path, req.language, {}};
  for (const ContextFile& f : req.files) context.files.push_back(f.path);
  return context;
}

PatchOutcome make_patch(const PatchRequest& req, std::string_view model_reply) {
  auto parsed = parse_reply(model_reply, reply_context(req));
  if (auto* failure = std::get_if<RepairFailure>(&parsed)) return *failure;
  EditPlan& plan = std::get<EditPlan>(parsed);
  if (plan.declared_no_change) {
    return no_change(req, plan.rationale.empty() ? "The model found nothing to change." : plan.rationale);
  }

  // Each file's edits apply to its own text, in reply order; all or nothing.
  std::vector<Edit> own;
  std::map<std::string, std::vector<Edit>> others;
  for (Edit& edit : plan.edits) {
    if (edit.file.empty()) own.push_back(std::move(edit));
    else others[edit.file].push_back(std::move(edit));
  }
  std::string edited = req.buffer_text;
  if (!own.empty()) {
    auto applied = apply_edits(req.buffer_text, req.selection, own);
    if (auto* failure = std::get_if<RepairFailure>(&applied)) return *failure;
    edited = std::move(std::get<std::string>(applied));
  }
  std::vector<FileEdit> changed_files;
  for (const ContextFile& file : req.files) {
    auto it = others.find(file.path);
    if (it == others.end()) continue;
    // Another file has no selection: an empty SEARCH appends to it.
    const ByteRange end{file.text.size(), file.text.size()};
    auto applied = apply_edits(file.text, end, it->second);
    if (auto* failure = std::get_if<RepairFailure>(&applied)) return *failure;
    if (std::get<std::string>(applied) != file.text) {
      changed_files.push_back({file.path, file.text, std::move(std::get<std::string>(applied))});
    }
  }
  const auto unchanged = [&] { return edited == req.buffer_text && changed_files.empty(); };
  if (unchanged()) {
    return no_change(req, plan.rationale.empty() ? "The reply's edits leave the file unchanged." : plan.rationale);
  }
  // docs/protocol.md, Marked comments: what asked for the change goes with it.
  ConsumedMarkers consumed =
      remove_consumed_markers(req.buffer_text, edited, answered_selections(req, plan.rationale), req.comment_style);
  edited = std::move(consumed.text);
  if (unchanged()) {
    return no_change(req, plan.rationale.empty() ? "The reply's edits leave the file unchanged." : plan.rationale);
  }

  PatchReady ready;
  const std::string own_diff = verified_diff(req.buffer_text, edited, req.rel_path);
  ready.patch = own_diff;
  if (!own_diff.empty()) ready.files_changed.push_back(req.rel_path);
  for (const FileEdit& file : changed_files) {
    ready.patch += verified_diff(file.original, file.edited, file.path);
    ready.files_changed.push_back(file.path);
  }
  if (req.several) ready.comments = map_comments(req, own_diff, plan.rationale);
  ready.rationale = std::move(plan.rationale);
  if (const std::string sentence = consumed_markers_sentence(consumed.lines); !sentence.empty()) {
    ready.rationale += (ready.rationale.empty() ? "" : "\n\n") + sentence;
  }
  ready.edited_text = std::move(edited);
  ready.other_files = std::move(changed_files);
  return ready;
}

}  // namespace lamp::patch
