// SPDX-License-Identifier: GPL-3.0-or-later
// make_patch: parse -> apply in memory -> diff -> verify.
#include "patch/patch_engine.hpp"

#include "patch/apply_edits.hpp"
#include "patch/reply_parser.hpp"
#include "patch/strict_apply.hpp"
#include "patch/unified_diff.hpp"
#include "patch/errors.hpp"

namespace lamp::patch {

PatchOutcome make_patch(const PatchRequest& req, std::string_view model_reply) {
  auto parsed = parse_reply(model_reply, {req.rel_path, req.language});
  if (auto* failure = std::get_if<RepairFailure>(&parsed)) return *failure;
  EditPlan& plan = std::get<EditPlan>(parsed);
  if (plan.declared_no_change) {
    return NoChange{plan.rationale.empty() ? "The model found nothing to change." : plan.rationale};
  }

  auto applied = apply_edits(req.buffer_text, req.selection, plan.edits);
  if (auto* failure = std::get_if<RepairFailure>(&applied)) return *failure;
  std::string& edited = std::get<std::string>(applied);
  if (edited == req.buffer_text) {
    return NoChange{plan.rationale.empty() ? "The reply's edits leave the file unchanged." : plan.rationale};
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
  return PatchReady{std::move(diff), std::move(plan.rationale), std::move(edited)};
}

}  // namespace lamp::patch
