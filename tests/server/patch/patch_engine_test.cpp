// SPDX-License-Identifier: GPL-3.0-or-later
// make_patch end to end on inline examples: outcomes, rationale, and the retry round trip.
#include "patch/patch_engine.hpp"

#include "support/real_tools.hpp"
#include "support/request_builder.hpp"

#include <gtest/gtest.h>

using namespace lamp::patch;
using lamp::patch::testing::applies_with_real_tools;
using lamp::patch::testing::request_for;

namespace {

const std::string kBuffer = "def greet(name):\n    # TODO: greet politely\n    pass\n";

}  // namespace

TEST(PatchEngine, ReadyPatchIsVerifiedAndApplies) {
  const auto req = request_for(kBuffer, "    # TODO: greet politely\n");
  const auto outcome = make_patch(req, "Prints a greeting.\n\n<<<<<<< SEARCH\n    # TODO: greet politely\n    pass\n=======\n"
                                       "    print(f\"Hello, {name}!\")\n>>>>>>> REPLACE\n");
  const auto* ready = std::get_if<PatchReady>(&outcome);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->rationale, "Prints a greeting.");
  EXPECT_EQ(ready->edited_text, "def greet(name):\n    print(f\"Hello, {name}!\")\n");
  EXPECT_EQ(ready->patch,
            "--- a/src/app.py\n+++ b/src/app.py\n@@ -1,3 +1,2 @@\n def greet(name):\n-    # TODO: greet politely\n-    pass\n"
            "+    print(f\"Hello, {name}!\")\n");
  EXPECT_TRUE(applies_with_real_tools(req.buffer_text, req.rel_path, ready->patch, ready->edited_text));
}

TEST(PatchEngine, NoChangeOutcomes) {
  const auto req = request_for(kBuffer, "    # TODO: greet politely\n");
  auto outcome = make_patch(req, "NO CHANGE: nothing to do");
  ASSERT_TRUE(std::holds_alternative<NoChange>(outcome));
  EXPECT_EQ(std::get<NoChange>(outcome).rationale, "nothing to do");
  outcome = make_patch(req, "Same.\n<<<<<<< SEARCH\n    pass\n=======\n    pass\n>>>>>>> REPLACE\n");
  ASSERT_TRUE(std::holds_alternative<NoChange>(outcome));
  EXPECT_EQ(std::get<NoChange>(outcome).rationale, "Same.");
}

TEST(PatchEngine, FailureThenRetrySucceeds) {
  const auto req = request_for(kBuffer, "    # TODO: greet politely\n");
  const std::string first = "<<<<<<< SEARCH\n    # TODO: greet people politely\n=======\n    print('hi')\n>>>>>>> REPLACE\n";
  const auto outcome = make_patch(req, first);
  const auto* failure = std::get_if<RepairFailure>(&outcome);
  ASSERT_NE(failure, nullptr);
  EXPECT_NE(failure->description.find("did not match"), std::string::npos);
  const auto retry = build_retry_messages(req, first, *failure);
  ASSERT_EQ(retry.size(), 4u);
  EXPECT_NE(retry[3]["content"].get<std::string>().find("# TODO: greet people politely"), std::string::npos);
  const auto second = make_patch(req, "<<<<<<< SEARCH\n    # TODO: greet politely\n=======\n    print('hi')\n>>>>>>> REPLACE\n");
  EXPECT_TRUE(std::holds_alternative<PatchReady>(second));
}

TEST(PatchEngine, LargeBufferStaysFast) {
  std::string big;
  for (int i = 0; i < 50000; ++i) big += "value_" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  big += "# TODO: sum them\n";
  const auto req = request_for(big, "# TODO: sum them\n");
  const auto outcome = make_patch(req, "<<<<<<< SEARCH\nvalue_25000 = 25000\n=======\nvalue_25000 = -1\n>>>>>>> REPLACE\n"
                                       "<<<<<<< SEARCH\n# TODO: sum them\n=======\ntotal = 0\n>>>>>>> REPLACE\n");
  const auto* ready = std::get_if<PatchReady>(&outcome);
  ASSERT_NE(ready, nullptr);
  EXPECT_NE(ready->patch.find("@@ -24998,7 +24998,7 @@"), std::string::npos) << ready->patch;
}
