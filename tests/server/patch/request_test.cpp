// SPDX-License-Identifier: GPL-3.0-or-later
// wisp.patch params: required fields, types, the REL path and the derived instruction.
#include "patch/request.hpp"

#include "proto/jsonrpc.hpp"

#include <gtest/gtest.h>

using lamp::patch::parse_request;
using lamp::patch::relative_path;
using lamp::patch::strip_comment_markers;
using json = nlohmann::json;

namespace {

json valid_params() {
  return {{"file_path", "/home/u/proj/src/app.py"},
          {"language", "python"},
          {"comment_style", "# "},
          {"selection", {{"start_pos", 7}, {"end_pos", 20}}},
          {"buffer_text", "x = 1\n# TODO: add y\nz = 2\n"},
          {"context", {{"project_root", "/home/u/proj/"}}}};
}

std::string detail_of(const json& params) {
  try {
    parse_request(params);
  } catch (const lamp::patch::InvalidRequest& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected the request to be refused: " << params.dump();
  return "";
}

}  // namespace

TEST(Request, ParsesValidParams) {
  json params = valid_params();
  params["instruction"] = "do it";
  params["model"] = "gpt-4o";
  params["temperature"] = 0.2;
  params["max_tokens"] = 500;
  const auto req = parse_request(params);
  EXPECT_EQ(req.rel_path, "src/app.py");
  EXPECT_EQ(req.selected_text(), "# TODO: add y");
  EXPECT_EQ(req.effective_instruction(), "do it");
  EXPECT_EQ(req.model, "gpt-4o");
  EXPECT_DOUBLE_EQ(*req.temperature, 0.2);
  EXPECT_EQ(req.max_tokens, 500);
}

TEST(Request, InstructionDefaultsToTheCommentText) {
  const auto req = parse_request(valid_params());
  EXPECT_EQ(req.effective_instruction(), "TODO: add y");
  json params = valid_params();
  params["instruction"] = nullptr;  // null = absent
  EXPECT_EQ(parse_request(params).effective_instruction(), "TODO: add y");
  params["instruction"] = "   ";
  EXPECT_EQ(parse_request(params).effective_instruction(), "TODO: add y");
}

TEST(Request, MissingOrMistypedFieldsNameTheField) {
  for (const char* field : {"file_path", "language", "comment_style", "buffer_text", "selection"}) {
    json params = valid_params();
    params.erase(field);
    EXPECT_NE(detail_of(params).find(std::string("\"") + field + "\""), std::string::npos) << field;
  }
  json params = valid_params();
  params["selection"].erase("end_pos");
  EXPECT_NE(detail_of(params).find("selection.end_pos"), std::string::npos);
  params = valid_params();
  params["selection"]["start_pos"] = "7";
  EXPECT_NE(detail_of(params).find("selection.start_pos\" must be an integer"), std::string::npos);
  params = valid_params();
  params["selection"]["start_pos"] = 7.5;
  EXPECT_NE(detail_of(params).find("must be an integer"), std::string::npos);
  params = valid_params();
  params["context"]["project_root"] = 42;
  EXPECT_NE(detail_of(params).find("\"context.project_root\" must be a string or null"), std::string::npos);
  params["context"] = "/home/u/proj";
  EXPECT_NE(detail_of(params).find("\"context\" must be an object"), std::string::npos);
  params = valid_params();
  params["buffer_text"] = 42;
  EXPECT_NE(detail_of(params).find("\"buffer_text\" must be a string"), std::string::npos);
  params = valid_params();
  params["temperature"] = "hot";
  EXPECT_NE(detail_of(params).find("temperature"), std::string::npos);
  params = valid_params();
  params["temperature"] = 3;
  EXPECT_NE(detail_of(params).find("between 0 and 2"), std::string::npos);
  params = valid_params();
  params["max_tokens"] = 0;
  EXPECT_NE(detail_of(params).find("max_tokens"), std::string::npos);
  params = valid_params();
  params["model"] = "";
  EXPECT_NE(detail_of(params).find("model"), std::string::npos);
  EXPECT_NE(detail_of(json::array()).find("params must be an object"), std::string::npos);
  params = valid_params();
  params["file_path"] = "a\nb.py";
  EXPECT_NE(detail_of(params).find("control characters"), std::string::npos);
  params["file_path"] = "a\tb.py";
  EXPECT_NE(detail_of(params).find("control characters"), std::string::npos);
}

TEST(Request, SelectionErrorsAreInvalidParams) {
  json params = valid_params();
  params["selection"] = {{"start_pos", 10}, {"end_pos", 5}};
  EXPECT_NE(detail_of(params).find("reversed"), std::string::npos);
  params["selection"] = {{"start_pos", 1}, {"end_pos", 1000}};
  EXPECT_NE(detail_of(params).find("outside the buffer"), std::string::npos);
  params["selection"] = {{"start_pos", 3}, {"end_pos", 3}};  // empty selection, no instruction
  EXPECT_NE(detail_of(params).find("no \"instruction\""), std::string::npos);
  params["instruction"] = "insert a print here";
  EXPECT_NO_THROW(parse_request(params));
}

// The project root is optional: absent, null, or no context at all name the file by its base name.
TEST(Request, WithoutAProjectRootTheBaseNameIsUsed) {
  json params = valid_params();
  params["context"]["project_root"] = nullptr;
  EXPECT_EQ(parse_request(params).rel_path, "app.py");
  params["context"].erase("project_root");
  EXPECT_EQ(parse_request(params).rel_path, "app.py");
  params["context"] = nullptr;
  EXPECT_EQ(parse_request(params).rel_path, "app.py");
  params.erase("context");
  EXPECT_EQ(parse_request(params).rel_path, "app.py");
  params["context"] = {{"project_root", "/home/u"}};
  EXPECT_EQ(parse_request(params).rel_path, "proj/src/app.py");
}

TEST(RelativePath, InsideOutsideAndOddInputs) {
  EXPECT_EQ(relative_path("/p/src/a.py", "/p"), "src/a.py");
  EXPECT_EQ(relative_path("/p/src/a.py", "/p/"), "src/a.py");
  EXPECT_EQ(relative_path("/p/./src/../lib/a.py", "/p"), "lib/a.py");
  EXPECT_EQ(relative_path("/q/a.py", "/p"), "a.py");           // outside
  EXPECT_EQ(relative_path("/pp/a.py", "/p"), "a.py");          // prefix but not inside
  EXPECT_EQ(relative_path("/p/a.py", ""), "a.py");
  EXPECT_EQ(relative_path("src/a.py", "/p"), "src/a.py");      // relative to the root
  EXPECT_EQ(relative_path("../x/a.py", "/p"), "a.py");         // escapes the root
  EXPECT_EQ(relative_path("~/p/a.py", "~/p/"), "a.py");
  EXPECT_EQ(relative_path("/home/u/p/a.py", "~/p", "/home/u"), "a.py");
  EXPECT_EQ(relative_path("/home/u/p/src/my file.py", "~/p", "/home/u"), "src/my file.py");
  EXPECT_EQ(relative_path("/p", "/p"), "p");                   // the root itself
}

TEST(CommentMarkers, StrippedPerLine) {
  EXPECT_EQ(strip_comment_markers("# TODO: add x", "# "), "TODO: add x");
  EXPECT_EQ(strip_comment_markers(";;; frob the widget", ";"), "frob the widget");
  EXPECT_EQ(strip_comment_markers("// one\n// two\n", "//"), "one\ntwo");
  EXPECT_EQ(strip_comment_markers("/* block */", "/*"), "block");
  EXPECT_EQ(strip_comment_markers("  <!-- html -->", "<!--"), "html");
  EXPECT_EQ(strip_comment_markers("-- sql", "--"), "sql");
}

TEST(Request, RefineCarriesTheEarlierProposalAndTheNote) {
  json params = valid_params();
  params["refine"] = {{"patch", "--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"},
                      {"note", "keep the old name"},
                      {"rationale", "Added y."}};
  const lamp::patch::PatchRequest req = parse_request(params);
  ASSERT_TRUE(req.refine.has_value());
  EXPECT_EQ(req.refine->note, "keep the old name");
  EXPECT_EQ(req.refine->rationale, "Added y.");
  params["refine"] = nullptr;
  EXPECT_FALSE(parse_request(params).refine.has_value());
}

TEST(Request, RefineErrorsNameTheField) {
  json params = valid_params();
  params["refine"] = "keep the old name";
  EXPECT_NE(detail_of(params).find("\"refine\" must be an object"), std::string::npos);
  params["refine"] = {{"patch", "@@ -1 +1 @@\n-x\n+y\n"}};
  EXPECT_NE(detail_of(params).find("\"refine.note\""), std::string::npos);
  params["refine"] = {{"patch", "@@ -1 +1 @@\n-x\n+y\n"}, {"note", "  \n"}};
  EXPECT_NE(detail_of(params).find("\"refine.note\" must not be empty"), std::string::npos);
  params["refine"] = {{"patch", ""}, {"note", "shorter"}};
  EXPECT_NE(detail_of(params).find("\"refine.patch\" must not be empty"), std::string::npos);
  params["refine"] = {{"patch", "@@ -1 +1 @@\n-x\n+y\n"}, {"note", "shorter"}, {"rationale", 3}};
  EXPECT_NE(detail_of(params).find("\"refine.rationale\" must be a string"), std::string::npos);
}
