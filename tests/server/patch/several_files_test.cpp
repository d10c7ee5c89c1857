// SPDX-License-Identifier: GPL-3.0-or-later
// wisp.patch with `files` (docs/protocol.md, Project context): validation of the paths, replies
// that edit several files, the diff of every changed file, and the prompt that shows them.
#include "patch/patch_engine.hpp"

#include "support/real_tools.hpp"
#include "support/request_builder.hpp"

#include <gtest/gtest.h>

using namespace lamp::patch;
using lamp::patch::testing::applies_with_real_tools;
using lamp::patch::testing::params_for;
using lamp::patch::testing::TreeFile;

namespace {

const std::string kApp = "from lib.util import area\n\n# use the helper to print the area of a 2x3 box\nprint(0)\n";
const std::string kComment = "# use the helper to print the area of a 2x3 box\n";
const std::string kUtil = "def area(w, h):\n    return w * h\n";
const std::string kShapes = "class Box:\n    pass\n";

nlohmann::json files_params(nlohmann::json files) {
  nlohmann::json params = params_for(kApp, kComment, "src/app.py");
  params["files"] = std::move(files);
  return params;
}

PatchRequest files_request() {
  return parse_request(files_params({{{"path", "lib/util.py"}, {"text", kUtil}}, {{"path", "lib/shapes.py"}, {"text", kShapes}}}));
}

std::string invalid_detail(const nlohmann::json& params) {
  try {
    parse_request(params);
  } catch (const InvalidRequest& e) {
    return e.what();
  }
  return "<accepted>";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(ContextFiles, PathsAreNormalizedAndKeptInOrder) {
  const auto req = parse_request(files_params({{{"path", "./lib/../lib/util.py"}, {"text", kUtil}}, {{"path", "b.py"}, {"text", ""}}}));
  ASSERT_EQ(req.files.size(), 2u);
  EXPECT_EQ(req.files[0].path, "lib/util.py");
  EXPECT_EQ(req.files[0].text, kUtil);
  EXPECT_EQ(req.files[1].path, "b.py");
}

TEST(ContextFiles, BadEntriesAreRefusedByName) {
  EXPECT_EQ(invalid_detail(files_params({{{"path", "/etc/passwd"}, {"text", ""}}})),
            "field \"files[0].path\" must be a file path relative to context.project_root, inside it (got \"/etc/passwd\")");
  EXPECT_TRUE(contains(invalid_detail(files_params({{{"path", "ok.py"}, {"text", ""}}, {{"path", "../x.py"}, {"text", ""}}})),
                       "\"files[1].path\" must be a file path relative"));
  EXPECT_TRUE(contains(invalid_detail(files_params({{{"path", "a/../../x.py"}, {"text", ""}}})), "files[0].path"));
  EXPECT_TRUE(contains(invalid_detail(files_params({{{"path", "~/x.py"}, {"text", ""}}})), "files[0].path"));
  EXPECT_TRUE(contains(invalid_detail(files_params({{{"path", "src/app.py"}, {"text", ""}}})), "the request's own file"));
  EXPECT_TRUE(contains(invalid_detail(files_params({{{"path", "a.py"}, {"text", ""}}, {{"path", "./a.py"}, {"text", ""}}})),
                       "names \"a.py\" a second time"));
  EXPECT_EQ(invalid_detail(files_params({{{"path", "a.py"}}})), "missing field \"files[0].text\"");
  EXPECT_EQ(invalid_detail(files_params({{{"path", 3}, {"text", ""}}})), "field \"files[0].path\" must be a string");
  EXPECT_EQ(invalid_detail(files_params({{{"path", "a.py"}, {"text", "\xff"}}})), "field \"files[0].text\" is not valid UTF-8");
  EXPECT_EQ(invalid_detail(files_params({{{"path", "a\nb.py"}, {"text", ""}}})),
            "field \"files[0].path\" must not contain control characters (line breaks, tabs)");
  EXPECT_EQ(invalid_detail(files_params("a.py")), "field \"files\" must be an array or null");
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 51; ++i) many.push_back({{"path", "f" + std::to_string(i) + ".py"}, {"text", ""}});
  EXPECT_EQ(invalid_detail(files_params(many)), "field \"files\" has 51 entries (at most 50)");
  auto no_root = files_params({{{"path", "a.py"}, {"text", ""}}});
  no_root.erase("context");
  EXPECT_EQ(invalid_detail(no_root), "field \"context.project_root\" is required when \"files\" is given");
}

TEST(ContextFiles, NullOrEmptyFilesAreNoFiles) {
  EXPECT_TRUE(parse_request(files_params(nullptr)).files.empty());
  auto params = files_params(nlohmann::json::array());
  params.erase("context");
  EXPECT_TRUE(parse_request(params).files.empty());
}

TEST(SeveralFiles, PathLinesSendEachBlockToItsFileAndEveryFileIsDiffed) {
  const auto req = files_request();
  const auto outcome = make_patch(req,
                                  "The helper gets a default height; the comment uses it.\n\n"
                                  "lib/util.py\n```python\n<<<<<<< SEARCH\ndef area(w, h):\n=======\ndef area(w, h=1):\n>>>>>>> REPLACE\n```\n\n"
                                  "src/app.py\n```python\n<<<<<<< SEARCH\n" + kComment + "print(0)\n=======\nprint(area(2, 3))\n>>>>>>> REPLACE\n```\n");
  const auto* ready = std::get_if<PatchReady>(&outcome);
  ASSERT_NE(ready, nullptr) << std::get<RepairFailure>(outcome).description;
  EXPECT_EQ(ready->files_changed, (std::vector<std::string>{"src/app.py", "lib/util.py"}));
  // The request's file comes first, whatever the order of the reply.
  EXPECT_EQ(ready->patch.rfind("--- a/src/app.py\n+++ b/src/app.py\n", 0), 0u) << ready->patch;
  EXPECT_TRUE(contains(ready->patch, "--- a/lib/util.py\n+++ b/lib/util.py\n"));
  EXPECT_FALSE(contains(ready->patch, "shapes"));
  EXPECT_EQ(ready->rationale, "The helper gets a default height; the comment uses it.");
  ASSERT_EQ(ready->other_files.size(), 1u);
  const std::string util_after = "def area(w, h=1):\n    return w * h\n";
  EXPECT_EQ(ready->other_files[0].edited, util_after);
  EXPECT_TRUE(applies_with_real_tools({{"src/app.py", kApp, ready->edited_text}, {"lib/util.py", kUtil, util_after},
                                       {"lib/shapes.py", kShapes, kShapes}},
                                      ready->patch));
}

TEST(SeveralFiles, AChangeOnlyInAnotherFileIsThatFilesDiff) {
  const auto req = files_request();
  const auto outcome = make_patch(req, "**lib/shapes.py**\n<<<<<<< SEARCH\nclass Box:\n    pass\n=======\nclass Box:\n    w = 2\n    h = 3\n>>>>>>> REPLACE\n");
  const auto* ready = std::get_if<PatchReady>(&outcome);
  ASSERT_NE(ready, nullptr) << std::get<RepairFailure>(outcome).description;
  EXPECT_EQ(ready->files_changed, (std::vector<std::string>{"lib/shapes.py"}));
  EXPECT_EQ(ready->patch.rfind("--- a/lib/shapes.py\n", 0), 0u);
  EXPECT_EQ(ready->edited_text, kApp);
}

TEST(SeveralFiles, ABlockForAFileNotGivenIsRefusedWithTheFilesThatMayChange) {
  const auto req = files_request();
  const auto outcome = make_patch(req, "lib/geometry.py\n<<<<<<< SEARCH\ndef area(w, h):\n=======\ndef area(w, h=1):\n>>>>>>> REPLACE\n");
  const auto* failure = std::get_if<RepairFailure>(&outcome);
  ASSERT_NE(failure, nullptr);
  EXPECT_EQ(failure->description,
            "SEARCH/REPLACE block 1 of 1 is for \"lib/geometry.py\", a file you were not given. Only these files can "
            "change: src/app.py, lib/util.py, lib/shapes.py. Put the path of one of them on the line before each block.");
}

TEST(SeveralFiles, ASearchThatMissesItsFileNamesTheFile) {
  const auto req = files_request();
  const auto outcome = make_patch(req, "lib/util.py\n<<<<<<< SEARCH\ndef volume(w, h, d):\n=======\npass\n>>>>>>> REPLACE\n");
  const auto* failure = std::get_if<RepairFailure>(&outcome);
  ASSERT_NE(failure, nullptr);
  EXPECT_TRUE(contains(failure->description, "SEARCH/REPLACE block 1 of 1 for lib/util.py")) << failure->description;
}

TEST(SeveralFiles, ProseThatOnlyLooksLikeAVersionIsNotAPath) {
  const auto req = files_request();
  const auto outcome = make_patch(req, "Works since v2.0\n<<<<<<< SEARCH\nprint(0)\n=======\nprint(area(2, 3))\n>>>>>>> REPLACE\n");
  ASSERT_TRUE(std::holds_alternative<PatchReady>(outcome)) << std::get<RepairFailure>(outcome).description;
  EXPECT_EQ(std::get<PatchReady>(outcome).files_changed, (std::vector<std::string>{"src/app.py"}));
}

TEST(SeveralFiles, AUnifiedDiffOfTwoFilesIsReadPerFile) {
  const auto req = files_request();
  const auto outcome = make_patch(req,
                                  "```diff\n--- a/lib/util.py\n+++ b/lib/util.py\n@@ -1,2 +1,2 @@\n-def area(w, h):\n+def area(w, h=1):\n     return w * h\n"
                                  "--- a/src/app.py\n+++ b/src/app.py\n@@ -3,2 +3,1 @@\n-" + kComment + "-print(0)\n+print(area(2, 3))\n```\n");
  const auto* ready = std::get_if<PatchReady>(&outcome);
  ASSERT_NE(ready, nullptr) << std::get<RepairFailure>(outcome).description;
  EXPECT_EQ(ready->files_changed, (std::vector<std::string>{"src/app.py", "lib/util.py"}));
  const auto unknown = make_patch(req, "```diff\n--- a/lib/util.py\n+++ b/lib/util.py\n@@ -1 +1 @@\n-def area(w, h):\n+def area(w, h=1):\n"
                                       "--- a/other.py\n+++ b/other.py\n@@ -1 +1 @@\n-x\n+y\n```\n");
  ASSERT_TRUE(std::holds_alternative<RepairFailure>(unknown));
  EXPECT_TRUE(contains(std::get<RepairFailure>(unknown).description, "other.py, a file you were not given"));
}

TEST(SeveralFiles, WithoutFilesAPathLineForAnotherFileChangesNothingElse) {
  const auto req = parse_request(params_for(kApp, kComment, "src/app.py"));
  const auto outcome = make_patch(req, "lib/util.py\n<<<<<<< SEARCH\nprint(0)\n=======\nprint(6)\n>>>>>>> REPLACE\n");
  const auto* ready = std::get_if<PatchReady>(&outcome);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->files_changed, (std::vector<std::string>{"src/app.py"}));
}

TEST(SeveralFiles, ThePromptShowsTheOtherFilesAndAsksForPathLines) {
  const auto messages = build_messages(files_request());
  const std::string system = messages[0]["content"];
  const std::string user = messages[1]["content"];
  EXPECT_TRUE(contains(system, std::string(several_files_rules())));
  EXPECT_TRUE(contains(user, "File: lib/util.py\n```py\n" + kUtil + "```\n")) << user;
  EXPECT_TRUE(contains(user, "File: lib/shapes.py\n"));
  EXPECT_LT(user.find("lib/util.py"), user.find("File: src/app.py")) << "the context comes before the request's file";
  const auto alone = build_messages(parse_request(params_for(kApp, kComment, "src/app.py")));
  EXPECT_FALSE(contains(alone[0]["content"], std::string(several_files_rules())));
  EXPECT_FALSE(contains(alone[1]["content"], "Other files"));
}

TEST(SeveralFiles, TheRepoMapAndExcerptsComeFromThePromptContext) {
  PromptContext ctx;
  ctx.repo_map = "lib/geometry.py\n  def volume(w, h, d)\n";
  std::vector<std::string> asked;
  ctx.excerpt = [&](std::string_view path, std::string_view text, const std::vector<ByteRange>& keep) -> std::optional<std::string> {
    asked.emplace_back(path);
    if (path != "src/app.py") return std::nullopt;
    EXPECT_EQ(keep.size(), 1u);
    return "3|" + std::string(text.substr(keep[0].begin, keep[0].end - keep[0].begin));
  };
  const std::string user = build_messages(files_request(), ctx)[1]["content"];
  EXPECT_TRUE(contains(user, "The project's map")) << user;
  EXPECT_TRUE(contains(user, "  def volume(w, h, d)\n"));
  EXPECT_TRUE(contains(user, "The file is too long to show whole"));
  EXPECT_TRUE(contains(user, "3|[[WISP-SELECTION-BEGIN]]\n" + kComment + "[[WISP-SELECTION-END]]")) << user;
  EXPECT_FALSE(contains(user, "print(0)")) << "the excerpt replaces the whole file";
  EXPECT_EQ(asked, (std::vector<std::string>{"lib/util.py", "lib/shapes.py", "src/app.py"}));
}
