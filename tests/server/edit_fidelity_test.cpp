// SPDX-License-Identifier: GPL-3.0-or-later
// Integration: wisp.patch on files that trip up edit formats, through the real lamp and the
// fake upstream, every diff checked with GNU patch and git apply: tab- and 2-space-indented
// files edited by a model that writes 4 spaces, and files whose lines look like the
// SEARCH/REPLACE markers (reStructuredText underlines, merge conflicts).
#include "patch/support/real_tools.hpp"
#include "support/upstream_fixture.hpp"

using namespace lamp;
using namespace std::chrono_literals;
using harness::UpstreamTest;
using proto::json;

class EditFidelityTest : public UpstreamTest {
 protected:
  // wisp.patch on `buffer` saved as REL, with `selected` (first occurrence) as the selection.
  json patch(const std::string& rel, const std::string& language, const std::string& buffer,
             const std::string& selected, const std::string& instruction = "") {
    const auto at = buffer.find(selected);
    EXPECT_NE(at, std::string::npos) << selected;
    json params = {{"file_path", "/p/" + rel}, {"language", language}, {"comment_style", "line"},
                   {"selection", {{"start_pos", at + 1}, {"end_pos", at + selected.size() + 1}}},
                   {"buffer_text", buffer}, {"context", {{"project_root", "/p"}}}};
    if (!instruction.empty()) params["instruction"] = instruction;
    auto c = client();
    return call_raw(c, params, nullptr, 30s, "wisp.patch");
  }

  // The reply is a diff that turns `buffer` into `edited` with patch -p1 and git apply.
  static ::testing::AssertionResult gives(const json& reply, const std::string& rel, const std::string& buffer,
                                          const std::string& edited) {
    if (!reply.contains("result") || reply["result"]["ok"] != true) {
      return ::testing::AssertionFailure() << "no patch: " << reply.dump(2);
    }
    return patch::testing::applies_with_real_tools(buffer, rel, reply["result"]["patch"].get<std::string>(), edited);
  }
};

// ---------------------------------------------------------------- indentation

TEST_F(EditFidelityTest, ATabIndentedFileStaysTabIndentedWhenTheModelWritesSpaces) {
  start();
  const std::string go =
      "package calc\n\nfunc Sum(xs []int) int {\n\t// TODO: add up xs\n\treturn 0\n}\n";
  fake.enqueue({{"content",
                 "<<<<<<< SEARCH\n    // TODO: add up xs\n    return 0\n=======\n    total := 0\n"
                 "    for _, x := range xs {\n        total += x\n    }\n    return total\n>>>>>>> REPLACE\n"}});
  EXPECT_TRUE(gives(patch("calc/sum.go", "go", go, "// TODO: add up xs"), "calc/sum.go", go,
                    "package calc\n\nfunc Sum(xs []int) int {\n\ttotal := 0\n\tfor _, x := range xs {\n"
                    "\t\ttotal += x\n\t}\n\treturn total\n}\n"));
}

TEST_F(EditFidelityTest, ReplaceWrittenWithSpacesAfterAnExactTabSearchGetsTabs) {
  start();
  const std::string py = "def show(xs):\n\t# TODO: skip None\n\tfor x in xs:\n\t\tprint(x)\n";
  fake.enqueue({{"content",
                 "<<<<<<< SEARCH\n\t# TODO: skip None\n\tfor x in xs:\n\t\tprint(x)\n=======\n    for x in xs:\n"
                 "        if x is None:\n            continue\n        print(x)\n>>>>>>> REPLACE\n"}});
  EXPECT_TRUE(gives(patch("show.py", "python", py, "# TODO: skip None"), "show.py", py,
                    "def show(xs):\n\tfor x in xs:\n\t\tif x is None:\n\t\t\tcontinue\n\t\tprint(x)\n"));
}

TEST_F(EditFidelityTest, ATwoSpaceFileStaysTwoSpace) {
  start();
  const std::string js = "function f(xs) {\n  // TODO: skip nulls\n  return xs.map(g);\n}\n";
  fake.enqueue({{"content",
                 "<<<<<<< SEARCH\n    // TODO: skip nulls\n    return xs.map(g);\n=======\n    return xs\n"
                 "        .filter((x) => x !== null)\n        .map(g);\n>>>>>>> REPLACE\n"}});
  EXPECT_TRUE(gives(patch("f.js", "javascript", js, "// TODO: skip nulls"), "f.js", js,
                    "function f(xs) {\n  return xs\n    .filter((x) => x !== null)\n    .map(g);\n}\n"));
}

TEST_F(EditFidelityTest, IndentationTheFileCannotExpressIsSentBackThenRefused) {
  start();
  const std::string go = "package calc\n\nfunc Two() int {\n\t// TODO: return 2\n\treturn 0\n}\n";
  // Six spaces: a level and a half in the model's 4-space indentation; tabs cannot say that.
  const std::string odd = "<<<<<<< SEARCH\n    // TODO: return 2\n    return 0\n=======\n    return 1 +\n"
                          "      1\n>>>>>>> REPLACE\n";
  fake.enqueue(json::array({{{"content", odd}}, {{"content", odd}}}));
  auto reply = patch("two.go", "go", go, "// TODO: return 2");
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32004);
  const std::string retry_prompt = proto::dump(fake.log()["requests"][1]["body"]["messages"]);
  EXPECT_NE(retry_prompt.find("indents with tabs"), std::string::npos) << retry_prompt;
}

// ---------------------------------------------------------------- marker-like lines

TEST_F(EditFidelityTest, RestructuredTextUnderlinesInsideSearchAreContent) {
  start();
  const std::string rst = "Title\n=======\n\nInstall\n=======\n\nRun make.\n";
  fake.enqueue({{"content", "<<<<<<< SEARCH\nInstall\n=======\n\nRun make.\n=======\nInstall\n=======\n\n"
                            "Run make install.\n>>>>>>> REPLACE\n"}});
  EXPECT_TRUE(gives(patch("docs/index.rst", "rst", rst, "Run make.", "say make install"), "docs/index.rst", rst,
                    "Title\n=======\n\nInstall\n=======\n\nRun make install.\n"));
}

TEST_F(EditFidelityTest, AMergeConflictInTheFileIsResolvedNotTakenForMarkers) {
  start();
  const std::string py = "x = 1\n<<<<<<< HEAD\ny = 2\n=======\ny = 3\n>>>>>>>\nz = 4\n";
  fake.enqueue({{"content", "```python\n<<<<<<< SEARCH\n<<<<<<< HEAD\ny = 2\n=======\ny = 3\n>>>>>>>\n=======\n"
                            "y = 5\n>>>>>>> REPLACE\n```\n"}});
  EXPECT_TRUE(gives(patch("conf.py", "python", py, "y = 2", "resolve the conflict with y = 5"), "conf.py", py,
                    "x = 1\ny = 5\nz = 4\n"));
}

TEST_F(EditFidelityTest, MarkerLinesAddedByReplaceStayContent) {
  start();
  const std::string md = "Intro\n\nBody.\n";
  fake.enqueue({{"content", "<<<<<<< SEARCH\nBody.\n=======\nBody.\n\nUsage\n=======\n\nRun it.\n>>>>>>> REPLACE\n"}});
  EXPECT_TRUE(gives(patch("README.md", "markdown", md, "Body.", "add a usage section"), "README.md", md,
                    "Intro\n\nBody.\n\nUsage\n=======\n\nRun it.\n"));
}

// Two readings of the reply match two different places: no guess, the model is asked again,
// then the call fails without a patch.
TEST_F(EditFidelityTest, AnAmbiguousSplitIsNeverGuessed) {
  start();
  const std::string text = "  Title\n=======\nBody\nTitle\nOther\n";
  const std::string ambiguous = "<<<<<<< SEARCH\nTitle\n=======\nBody\n=======\nNew body\n>>>>>>> REPLACE\n";
  fake.enqueue(json::array({{{"content", ambiguous}}, {{"content", ambiguous}}}));
  auto reply = patch("notes.txt", "text", text, "Body", "rewrite the body");
  ASSERT_TRUE(reply.contains("error")) << reply;
  EXPECT_EQ(reply["error"]["code"], -32004);
  EXPECT_NE(reply["error"]["data"]["detail"].get<std::string>().find("different edits"), std::string::npos) << reply;
  ASSERT_EQ(fake.log()["total"], 2);
  const std::string retry_prompt = proto::dump(fake.log()["requests"][1]["body"]["messages"]);
  EXPECT_NE(retry_prompt.find("look like its ======= divider"), std::string::npos) << retry_prompt;
}
