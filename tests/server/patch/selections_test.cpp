// SPDX-License-Identifier: GPL-3.0-or-later
// wisp.patch with several comments (docs/protocol.md): `selections` validation, the marked
// comment rule, the numbered prompt, and the per-comment reply lines.
#include "patch/marked_comment.hpp"
#include "patch/prompt.hpp"
#include "patch/reply_parser.hpp"
#include "patch/request.hpp"

#include "support/request_builder.hpp"

#include <gtest/gtest.h>

using namespace lamp::patch;
using lamp::patch::testing::request_for;
using lamp::patch::testing::selections_params;
using lamp::patch::testing::selections_request;
using json = nlohmann::json;

namespace {

const std::string kBuffer =
    "import os\n"
    "\n"
    "def a(x):\n"
    "    # wisp: add type hints\n"
    "    return x\n"
    "\n"
    "def b(y):\n"
    "    return y * 2  # use a shift AI!\n";

std::string refusal(const json& params) {
  try {
    parse_request(params);
  } catch (const InvalidRequest& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected the request to be refused: " << params.dump();
  return "";
}

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

}  // namespace

TEST(Selections, ParsesEachRangeWithItsInstructionAndTheHull) {
  json params = selections_params(kBuffer, {"    # wisp: add type hints\n", "# use a shift AI!"});
  params["selections"][1]["instruction"] = "shift left by one";
  const auto req = parse_request(params);
  EXPECT_TRUE(req.several);
  ASSERT_EQ(req.selections.size(), 2u);
  EXPECT_EQ(req.selections[0].effective_instruction, "add type hints");
  EXPECT_EQ(req.selections[1].effective_instruction, "shift left by one");
  EXPECT_EQ(req.selections[1].instruction, "shift left by one");
  EXPECT_EQ(req.selection.begin, kBuffer.find("    # wisp:"));
  EXPECT_EQ(req.selection.end, kBuffer.size() - 1);
  EXPECT_EQ(req.start_pos, req.selections[0].start_pos);
  EXPECT_EQ(req.end_pos, req.selections[1].end_pos);
}

TEST(Selections, ExactlyOneOfSelectionAndSelections) {
  json both = selections_params(kBuffer, {"# use a shift AI!"});
  both["selection"] = {{"start_pos", 1}, {"end_pos", 3}};
  EXPECT_TRUE(contains(refusal(both), "not both")) << refusal(both);
  json neither = both;
  neither.erase("selection");
  neither.erase("selections");
  EXPECT_TRUE(contains(refusal(neither), "\"selection\"")) << refusal(neither);
  // A single `selection` still works alone.
  EXPECT_FALSE(parse_request(lamp::patch::testing::params_for(kBuffer, "# use a shift AI!")).several);
}

TEST(Selections, CountBounds) {
  json params = selections_params(kBuffer, {"# use a shift AI!"});
  params["selections"] = json::array();
  EXPECT_TRUE(contains(refusal(params), "\"selections\" must not be empty")) << refusal(params);
  std::string many;
  std::vector<std::string> comments;
  for (int i = 0; i < 51; ++i) {
    many += "# wisp: step " + std::to_string(i) + "\n";
    comments.push_back("# wisp: step " + std::to_string(i) + "\n");
  }
  EXPECT_TRUE(contains(refusal(selections_params(many, comments)), "51 entries (at most 50)"));
  comments.pop_back();
  EXPECT_EQ(parse_request(selections_params(many, comments)).selections.size(), 50u);
}

TEST(Selections, RangeErrorsNameTheField) {
  const json base = selections_params(kBuffer, {"import os", "# wisp: add type hints", "# use a shift AI!"});
  json p = base;
  p["selections"][2]["end_pos"] = p["selections"][2]["start_pos"];  // empty
  EXPECT_TRUE(contains(refusal(p), "selections[2].end_pos")) << refusal(p);
  p = base;
  p["selections"][1]["end_pos"] = p["selections"][1]["start_pos"].get<int>() - 1;  // reversed
  EXPECT_TRUE(contains(refusal(p), "selections[1].end_pos")) << refusal(p);
  p = base;
  p["selections"][2]["start_pos"] = p["selections"][1]["start_pos"].get<int>() + 2;  // overlaps [1]
  EXPECT_TRUE(contains(refusal(p), "selections[2].start_pos")) << refusal(p);
  EXPECT_TRUE(contains(refusal(p), "ascending")) << refusal(p);
  p = base;
  std::swap(p["selections"][0], p["selections"][1]);  // not ascending
  EXPECT_TRUE(contains(refusal(p), "selections[1].start_pos")) << refusal(p);
  p = base;
  p["selections"][0]["start_pos"] = 0;
  EXPECT_TRUE(contains(refusal(p), "selections[0].start_pos")) << refusal(p);
  p = base;
  p["selections"][2]["end_pos"] = 100000;
  EXPECT_TRUE(contains(refusal(p), "selections[2].end_pos")) << refusal(p);
  p = base;
  p["selections"][1].erase("end_pos");
  EXPECT_TRUE(contains(refusal(p), "selections[1].end_pos")) << refusal(p);
  p = base;
  p["selections"][1]["instruction"] = 3;
  EXPECT_TRUE(contains(refusal(p), "selections[1].instruction")) << refusal(p);
  p = base;
  p["selections"][0] = "x";
  EXPECT_TRUE(contains(refusal(p), "selections[0]")) << refusal(p);
  p = base;
  p["selections"] = {{"start_pos", 1}};
  EXPECT_TRUE(contains(refusal(p), "\"selections\" must be an array")) << refusal(p);
}

TEST(MarkedComment, WispPrefixAndAiBangSuffixOnly) {
  EXPECT_TRUE(is_marked_comment_line("    # wisp: add x", "# "));
  EXPECT_TRUE(is_marked_comment_line("// WISP: add x", "//"));
  EXPECT_TRUE(is_marked_comment_line("# make it async ai!", "# "));
  EXPECT_TRUE(is_marked_comment_line("/* make it async AI! */", "/*"));
  EXPECT_FALSE(is_marked_comment_line("# make it async AI?", "# "));
  EXPECT_FALSE(is_marked_comment_line("# what does wisp: mean", "# "));
  EXPECT_FALSE(is_marked_comment_line("# MAI!", "# "));
  EXPECT_FALSE(is_marked_comment_line("wisp: not a comment", "# "));
  EXPECT_FALSE(is_marked_comment_line("# TODO: add x", "# "));
  EXPECT_EQ(strip_wisp_marker("wisp: add x\nand y AI!"), "add x\nand y");
}

TEST(MarkedComment, TheSingleSelectionInstructionDropsTheMarker) {
  EXPECT_EQ(request_for(kBuffer, "    # wisp: add type hints\n").effective_instruction(), "add type hints");
  EXPECT_EQ(request_for(kBuffer, "# use a shift AI!").effective_instruction(), "use a shift");
  const std::string question = "x = 1  # why is this one AI?\n";
  EXPECT_EQ(request_for(question, "# why is this one AI?").effective_instruction(), "why is this one AI?");
}

TEST(SelectionsPrompt, NumbersTheCommentsAndAsksForOneLineEach) {
  const auto req = selections_request(kBuffer, {"    # wisp: add type hints\n", "# use a shift AI!"}, "keep it short");
  const auto messages = build_messages(req);
  ASSERT_EQ(messages.size(), 2u);
  const std::string system = messages[0]["content"];
  const std::string user = messages[1]["content"];
  EXPECT_TRUE(contains(system, "N: NO CHANGE: why")) << system;
  EXPECT_TRUE(contains(system, "[[WISP-SELECTION-BEGIN N]]")) << system;
  EXPECT_NE(system, system_prompt());
  EXPECT_TRUE(contains(user, "Comment 1 (line 4): add type hints\nComment 2 (line 8): use a shift\n")) << user;
  EXPECT_TRUE(contains(user, "Note for every comment: keep it short\n")) << user;
  EXPECT_TRUE(contains(user, "def a(x):\n[[WISP-SELECTION-BEGIN 1]]\n    # wisp: add type hints\n"
                             "[[WISP-SELECTION-END 1]]\n    return x\n"))
      << user;
  EXPECT_TRUE(contains(user, "    return y * 2  [[WISP-SELECTION-BEGIN 2]]# use a shift AI![[WISP-SELECTION-END 2]]\n"))
      << user;
  EXPECT_FALSE(contains(user, "[[WISP-SELECTION-BEGIN]]")) << user;
  EXPECT_TRUE(contains(user, "one line per comment, 1 to 2: \"N: what you changed\" or \"N: NO CHANGE: why\"")) << user;
}

TEST(SelectionsPrompt, TheSingleSelectionPromptKeepsItsShape) {
  const auto messages = build_messages(request_for(kBuffer, "    # wisp: add type hints\n"));
  EXPECT_EQ(messages[0]["content"], std::string(system_prompt()));
  const std::string user = messages[1]["content"];
  EXPECT_TRUE(contains(user, "\nInstruction (from the selected comment): add type hints\n")) << user;
  EXPECT_TRUE(contains(user, "def a(x):\n[[WISP-SELECTION-BEGIN]]\n    # wisp: add type hints\n[[WISP-SELECTION-END]]\n"))
      << user;
  EXPECT_FALSE(contains(user, "Comment 1")) << user;
  EXPECT_FALSE(contains(std::string(system_prompt()), "N: NO CHANGE"));
}

TEST(SelectionsReply, PerCommentNoChangeLinesAreNoChange) {
  const ReplyContext ctx{"src/app.py", "python", {}};
  for (const char* reply : {"1: NO CHANGE: already typed\n2. No change needed\n",
                            "Comment 1: NO CHANGE: fine\nComment 2: no change: fine too\n",
                            "**1:** NO CHANGE: fine\n**2:** NO CHANGE: fine\n"}) {
    SCOPED_TRACE(reply);
    const auto parsed = parse_reply(reply, ctx);
    const auto* plan = std::get_if<EditPlan>(&parsed);
    ASSERT_NE(plan, nullptr) << std::get<RepairFailure>(parsed).description;
    EXPECT_TRUE(plan->declared_no_change);
    EXPECT_TRUE(plan->rationale.starts_with("1") || plan->rationale.starts_with("Comment 1") ||
                plan->rationale.starts_with("**1"))
        << plan->rationale;
  }
}

TEST(SelectionsReply, NumberedMarkersCopiedByTheModelAreDropped) {
  const auto parsed = parse_reply(
      "1: done\n<<<<<<< SEARCH\n[[WISP-SELECTION-BEGIN 1]]\n    # wisp: add type hints\n[[WISP-SELECTION-END 1]]\n"
      "=======\n    x = 1  [[WISP-SELECTION-BEGIN 12]]y[[WISP-SELECTION-END 12]]\n>>>>>>> REPLACE\n",
      {"src/app.py", "python", {}});
  const auto* plan = std::get_if<EditPlan>(&parsed);
  ASSERT_NE(plan, nullptr);
  ASSERT_EQ(plan->edits.size(), 1u);
  const auto& sr = std::get<SearchReplace>(plan->edits[0].body);
  EXPECT_EQ(sr.search, std::vector<std::string>{"    # wisp: add type hints"});
  EXPECT_EQ(sr.replace, std::vector<std::string>{"    x = 1  y"});
}
