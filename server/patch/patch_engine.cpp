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

namespace lamp::patch {

namespace {

NoChange no_change(const PatchRequest& req, std::string rationale) {
  NoChange none{std::move(rationale), {}};
  if (req.several) none.comments = map_comments(req, "", none.rationale);
  return none;
}

}  // namespace

PatchOutcome make_patch(const PatchRequest& req, std::string_view model_reply) {
  auto parsed = parse_reply(model_reply, {req.rel_path, req.language});
  if (auto* failure = std::get_if<RepairFailure>(&parsed)) return *failure;
  EditPlan& plan = std::get<EditPlan>(parsed);
  if (plan.declared_no_change) {
    return no_change(req, plan.rationale.empty() ? "The model found nothing to change." : plan.rationale);
  }

  auto applied = apply_edits(req.buffer_text, req.selection, plan.edits);
  if (auto* failure = std::get_if<RepairFailure>(&applied)) return *failure;
  std::string& edited = std::get<std::string>(applied);
  if (edited == req.buffer_text) {
    return no_change(req, plan.rationale.empty() ? "The reply's edits leave the file unchanged." : plan.rationale);
  }
  // docs/protocol.md, Marked comments: what asked for the change goes with it.
  ConsumedMarkers consumed =
      remove_consumed_markers(req.buffer_text, edited, answered_selections(req, plan.rationale), req.comment_style);
  edited = std::move(consumed.text);
  if (edited == req.buffer_text) {
    return no_change(req, plan.rationale.empty() ? "The reply's edits leave the file unchanged." : plan.rationale);
  }

  std::string diff = unified_diff(req.buffer_text, edited, req.rel_path);
  std::string verified;
  try {
    verified = apply_unified_diff(req.buffer_text, diff);
  } catch (const PatchMismatch& e) {
    throw EngineFailure(std::string("generated diff failed verification: ") + e.what());
  }
  if (verified != edited) {
    throw EngineFailure("generated diff does not reproduce the edited text");
  }
  std::vector<CommentAnswer> comments;
  if (req.several) comments = map_comments(req, diff, plan.rationale);
  std::string rationale = std::move(plan.rationale);
  if (const std::string sentence = consumed_markers_sentence(consumed.lines); !sentence.empty()) {
    rationale += (rationale.empty() ? "" : "\n\n") + sentence;
  }
  return PatchReady{std::move(diff), std::move(rationale), std::move(edited), std::move(comments)};
}

}  // namespace lamp::patch
