// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt messages: roles, what the user message carries, selection markers and the retry.
#include "patch/prompt.hpp"

#include "support/request_builder.hpp"

#include <gtest/gtest.h>

using namespace lamp::patch;
using lamp::patch::testing::request_for;

namespace {

const std::string kBuffer = "import os\n\ndef main():\n    # print the cwd\n    pass\n";

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST(Prompt, SystemAndUserMessages) {
  const auto req = request_for(kBuffer, "    # print the cwd\n");
  const auto messages = build_messages(req);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0]["role"], "system");
  EXPECT_EQ(messages[1]["role"], "user");
  const std::string system = messages[0]["content"];
  EXPECT_TRUE(contains(system, "<<<<<<< SEARCH"));
  EXPECT_TRUE(contains(system, ">>>>>>> REPLACE"));
  EXPECT_TRUE(contains(system, "NO CHANGE"));
  const std::string user = messages[1]["content"];
  EXPECT_TRUE(contains(user, "File: src/app.py"));
  EXPECT_TRUE(contains(user, "Language: python"));
  EXPECT_TRUE(contains(user, "Instruction (from the selected comment): print the cwd"));
  // Whole-line selection: markers on lines of their own around the comment.
  EXPECT_TRUE(contains(user, "def main():\n[[WISP-SELECTION-BEGIN]]\n    # print the cwd\n[[WISP-SELECTION-END]]\n    pass\n"));
}

TEST(Prompt, ExplicitInstructionAndInlineMarkers) {
  const auto req = request_for(kBuffer, "print the cwd", "src/app.py", "use pathlib");
  const std::string user = build_messages(req)[1]["content"];
  EXPECT_TRUE(contains(user, "Instruction: use pathlib"));
  EXPECT_TRUE(contains(user, "    # [[WISP-SELECTION-BEGIN]]print the cwd[[WISP-SELECTION-END]]\n"));
}

TEST(Prompt, CrlfIsShownAsLfAndFencesOutgrowBackticks) {
  const std::string buffer = "a = 1\r\n# doc: ```` x\r\nb = 2\r\n";
  const auto req = request_for(buffer, "# doc: ```` x");
  const std::string user = build_messages(req)[1]["content"];
  EXPECT_FALSE(contains(user, "\r"));
  EXPECT_TRUE(contains(user, "`````python\n"));  // longer than the 4-backtick run
}

TEST(Prompt, EmptyFileSaysSo) {
  const auto req = request_for("", "", "notes.txt", "write a haiku");
  const std::string user = build_messages(req)[1]["content"];
  EXPECT_TRUE(contains(user, "The file is empty"));
}

TEST(Prompt, RetryCarriesTheReplyAndTheFailure) {
  const auto req = request_for(kBuffer, "    # print the cwd\n");
  const auto messages = build_retry_messages(req, "first reply", RepairFailure{"SEARCH/REPLACE block 1 of 1 did not match"});
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[2]["role"], "assistant");
  EXPECT_EQ(messages[2]["content"], "first reply");
  EXPECT_EQ(messages[3]["role"], "user");
  const std::string retry = messages[3]["content"];
  EXPECT_TRUE(contains(retry, "could not be applied to src/app.py"));
  EXPECT_TRUE(contains(retry, "block 1 of 1 did not match"));
  EXPECT_TRUE(contains(retry, "None of your edits were applied"));
}

TEST(Prompt, RefineShowsTheEarlierProposalAsTheModelsAnswerAndTheNoteAsTheUsers) {
  auto req = request_for(kBuffer, "    # print the cwd\n");
  const std::string earlier = "--- a/src/app.py\n+++ b/src/app.py\n@@ -4,2 +4,2 @@\n-    # print the cwd\n-    pass\n"
                              "+    cwd = os.getcwd()\n+    print(cwd)\n";
  req.refine = Refinement{earlier, "print it without a variable", "Prints the working directory."};
  const auto messages = build_messages(req);
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[1]["role"], "user");
  EXPECT_EQ(messages[2]["role"], "assistant");
  EXPECT_EQ(messages[3]["role"], "user");
  const std::string answer = messages[2]["content"];
  EXPECT_TRUE(answer.starts_with("Prints the working directory.\n\n")) << answer;
  EXPECT_TRUE(contains(answer, "```diff\n" + earlier + "```\n")) << answer;
  const std::string note = messages[3]["content"];
  EXPECT_TRUE(contains(note, "print it without a variable")) << note;
  EXPECT_TRUE(contains(note, "still exactly as shown")) << note;
  EXPECT_FALSE(contains(note, "one line per comment")) << note;
  // The retry keeps the whole conversation, then the failed reply and what failed.
  const auto retry = build_retry_messages(req, "garbage", RepairFailure{"no SEARCH/REPLACE block"});
  ASSERT_EQ(retry.size(), 6u);
  EXPECT_EQ(retry[3]["content"], messages[3]["content"]);
  EXPECT_EQ(retry[4]["content"], "garbage");
}
