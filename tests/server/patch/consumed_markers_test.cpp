// SPDX-License-Identifier: GPL-3.0-or-later
// Marked comments the model's edit left in place are removed by the engine (docs/protocol.md,
// Marked comments); comments rewritten without the marker, and AI? questions, stay.
#include "patch/patch_engine.hpp"

#include "support/real_tools.hpp"
#include "support/request_builder.hpp"

#include <gtest/gtest.h>

using namespace lamp::patch;
using lamp::patch::testing::applies_with_real_tools;
using lamp::patch::testing::request_for;
using lamp::patch::testing::selections_request;

namespace {

std::string sr(const std::string& search, const std::string& replace) {
  return "<<<<<<< SEARCH\n" + search + "=======\n" + replace + ">>>>>>> REPLACE\n";
}

// The edited text of a PatchReady outcome (checked with GNU patch and git apply), else a note.
std::string edited(const PatchRequest& req, const std::string& reply, std::string* rationale = nullptr) {
  const auto outcome = make_patch(req, reply);
  const auto* ready = std::get_if<PatchReady>(&outcome);
  if (ready == nullptr) return "<not ready>";
  EXPECT_TRUE(applies_with_real_tools(req.buffer_text, req.rel_path, ready->patch, ready->edited_text));
  if (rationale) *rationale = ready->rationale;
  return ready->edited_text;
}

}  // namespace

TEST(ConsumedMarkers, AWholeLineMarkedCommentLeftAboveTheNewCodeIsRemoved) {
  const std::string buffer = "def f(x):\n    # wisp: return the double\n    pass\n";
  const auto req = request_for(buffer, "    # wisp: return the double\n");
  std::string rationale;
  EXPECT_EQ(edited(req, "Doubles x.\n" + sr("    pass\n", "    return 2 * x\n"), &rationale),
            "def f(x):\n    return 2 * x\n");
  EXPECT_EQ(rationale, "Doubles x.\n\nlamp removed 1 marked comment the edit left in place (line 2).");
}

TEST(ConsumedMarkers, TheUnchangedContinuationLinesOfTheBlockGoToo) {
  const std::string buffer =
      "def f(x):\n    # wisp: return the double\n    # of x, as an int\n    pass\n\nkeep = 1  # of x, as an int\n";
  const auto req = request_for(buffer, "    # wisp: return the double\n    # of x, as an int\n");
  EXPECT_EQ(edited(req, sr("    pass\n", "    return int(2 * x)\n")),
            "def f(x):\n    return int(2 * x)\n\nkeep = 1  # of x, as an int\n");
}

TEST(ConsumedMarkers, CodeTheSelectionAlsoCoveredIsNeverRemoved) {
  const std::string buffer = "# wisp: log the call\nrun()\n# done\n";
  const auto req = request_for(buffer, "# wisp: log the call\nrun()\n");
  EXPECT_EQ(edited(req, sr("# done\n", "# done\nprint('ran')\n")), "run()\n# done\nprint('ran')\n");
}

TEST(ConsumedMarkers, AReindentedMarkedLineIsRemoved) {
  const std::string buffer = "def f(x):\n    # wisp: guard against None\n    return x\n";
  const auto req = request_for(buffer, "    # wisp: guard against None\n");
  EXPECT_EQ(edited(req, sr("    # wisp: guard against None\n    return x\n",
                           "    if x is not None:\n        # wisp: guard against None\n        return x\n")),
            "def f(x):\n    if x is not None:\n        return x\n");
}

TEST(ConsumedMarkers, ATrailingMarkedCommentIsStrippedFromTheEditedLine) {
  const std::string buffer = "x = 1  # make it two AI!\ny = 3\n";
  const auto req = request_for(buffer, "# make it two AI!");
  std::string rationale;
  EXPECT_EQ(edited(req, "Two.\n" + sr("x = 1  # make it two AI!\n", "x = 2  # make it two AI!\n"), &rationale),
            "x = 2\ny = 3\n");
  EXPECT_EQ(rationale, "Two.\n\nlamp removed 1 marked comment the edit left in place (line 1).");
}

TEST(ConsumedMarkers, ACommentRewrittenWithoutItsMarkerIsKept) {
  const std::string buffer = "def f(x):\n    # wisp: return the double\n    pass\n";
  const auto req = request_for(buffer, "    # wisp: return the double\n");
  std::string rationale;
  EXPECT_EQ(edited(req, sr("    # wisp: return the double\n    pass\n", "    # the double\n    return 2 * x\n"), &rationale),
            "def f(x):\n    # the double\n    return 2 * x\n");
  EXPECT_EQ(rationale.find("lamp removed"), std::string::npos) << rationale;
}

TEST(ConsumedMarkers, AQuestionIsNotAMarker) {
  const std::string buffer = "x = 1  # is this right AI?\n";
  const auto req = request_for(buffer, "# is this right AI?");
  EXPECT_EQ(edited(req, sr("x = 1  # is this right AI?\n", "x = 2  # is this right AI?\n")),
            "x = 2  # is this right AI?\n");
  const std::string unmarked = "def f(x):\n    # TODO: return the double\n    pass\n";
  EXPECT_EQ(edited(request_for(unmarked, "    # TODO: return the double\n"), sr("    pass\n", "    return 2 * x\n")),
            "def f(x):\n    # TODO: return the double\n    return 2 * x\n");
}

TEST(ConsumedMarkers, NothingIsRemovedWhenTheModelSaysNoChange) {
  const std::string buffer = "def f(x):\n    # wisp: return the double\n    return 2 * x\n";
  const auto outcome = make_patch(request_for(buffer, "    # wisp: return the double\n"), "NO CHANGE: it already does");
  ASSERT_TRUE(std::holds_alternative<NoChange>(outcome));
}

TEST(ConsumedMarkers, EverySelectionOfSeveralIsHandled) {
  const std::string buffer =
      "# wisp: add an import of os\n\ndef f(x):\n    # wisp: return the double\n    pass\n\ny = 1  # two AI!\n";
  const auto req = selections_request(buffer, {"# wisp: add an import of os\n", "    # wisp: return the double\n", "# two AI!"});
  std::string rationale;
  EXPECT_EQ(edited(req, "1: import\n2: double\n3: two\n" + sr("def f(x):\n", "import os\n\ndef f(x):\n") +
                            sr("    pass\n", "    return 2 * x\n") + sr("y = 1  # two AI!\n", "y = 2  # two AI!\n"),
                   &rationale),
            "\nimport os\n\ndef f(x):\n    return 2 * x\n\ny = 2\n");
  EXPECT_TRUE(rationale.ends_with("lamp removed 3 marked comments the edit left in place (lines 1, 4, 7).")) << rationale;
}

TEST(ConsumedMarkers, ACommentTheModelSaidNoChangeToKeepsItsMarker) {
  const std::string buffer = "def f(x):\n    # wisp: return the double\n    pass\n\n# count the calls AI!\n";
  const auto req = selections_request(buffer, {"    # wisp: return the double\n", "# count the calls AI!\n"});
  std::string rationale;
  EXPECT_EQ(edited(req, "1: double\n2: NO CHANGE: nothing calls f\n" + sr("    pass\n", "    return 2 * x\n"), &rationale),
            "def f(x):\n    return 2 * x\n\n# count the calls AI!\n");
  EXPECT_TRUE(rationale.ends_with("lamp removed 1 marked comment the edit left in place (line 2).")) << rationale;
}

TEST(ConsumedMarkers, ACommentThePerCommentLinesLeaveOutKeepsItsMarker) {
  const std::string buffer = "def f(x):\n    # wisp: return the double\n    pass\n\n# count the calls AI!\n";
  const auto req = selections_request(buffer, {"    # wisp: return the double\n", "# count the calls AI!\n"});
  EXPECT_EQ(edited(req, "1: double\n\n" + sr("    pass\n", "    return 2 * x\n")),
            "def f(x):\n    return 2 * x\n\n# count the calls AI!\n");
  // Without any per-comment line, every comment counts as taken on.
  EXPECT_EQ(edited(req, sr("    pass\n", "    return 2 * x\n")), "def f(x):\n    return 2 * x\n\n");
}
