// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests for the ACP pieces that need no socket: file URIs, prompt content, edit blocks,
// the streaming reply filter and edits applied through the patch engine.
#include "acp/edits.hpp"
#include "acp/protocol.hpp"
#include "acp/prompt_turn.hpp"

#include <gtest/gtest.h>

namespace lamp::acp {
namespace {

TEST(FileUri, LocalPathsOnly) {
  EXPECT_EQ(path_from_uri("file:///home/u/a%20b.py"), "/home/u/a b.py");
  EXPECT_EQ(path_from_uri("file://localhost/x/./y/../z"), "/x/z");
  EXPECT_EQ(path_from_uri("/abs/path"), "/abs/path");
  EXPECT_EQ(path_from_uri("file:///a?query#frag"), "/a");
  EXPECT_EQ(path_from_uri("file://otherhost/x"), std::nullopt);
  EXPECT_EQ(path_from_uri("untitled:Untitled-1"), std::nullopt);
  EXPECT_EQ(path_from_uri("relative/path"), std::nullopt);
  EXPECT_EQ(path_from_uri("file:///bad%zz"), std::nullopt);
  EXPECT_EQ(path_from_uri("file:///nul%00byte"), std::nullopt);
  EXPECT_EQ(absolute_path("src/../lib/x.c", "/p"), "/p/lib/x.c");
  EXPECT_EQ(absolute_path("/etc/../x", "/p"), "/x");
}

TEST(PromptContent, RendersTextFilesAndLinksInOrder) {
  const auto pieces = parse_prompt(json::parse(R"([
    {"type":"text","text":"Fix it"},
    {"type":"resource","resource":{"uri":"file:///p/a.py","text":"x = 1"}},
    {"type":"resource_link","uri":"https://example.com/doc","name":"doc"}])"));
  EXPECT_EQ(render_user_message(pieces),
            "Fix it\n\n<file path=\"/p/a.py\">\nx = 1\n</file>\n\n[linked resource \"doc\": https://example.com/doc]");
  const auto& file = std::get<AttachedFile>(pieces[1]);
  EXPECT_EQ(file.path, "/p/a.py");
}

TEST(PromptContent, RejectsWhatIsNotAdvertised) {
  auto code_of = [](const char* text) {
    try {
      parse_prompt(json::parse(text));
    } catch (const proto::RpcError& e) {
      return e.code();
    }
    return 0;
  };
  EXPECT_EQ(code_of(R"([])"), proto::code::invalid_params);
  EXPECT_EQ(code_of(R"({"type":"text"})"), proto::code::invalid_params);
  EXPECT_EQ(code_of(R"([{"type":"image","data":"","mimeType":"image/png"}])"), proto::code::invalid_params);
  EXPECT_EQ(code_of(R"([{"type":"audio","data":"","mimeType":"audio/wav"}])"), proto::code::invalid_params);
  EXPECT_EQ(code_of(R"([{"type":"video"}])"), proto::code::invalid_params);
  EXPECT_EQ(code_of(R"([{"type":"text","text":7}])"), proto::code::invalid_params);
  EXPECT_EQ(code_of(R"([{"type":"resource","resource":{"uri":"file:///x"}}])"), proto::code::invalid_params);
  EXPECT_EQ(code_of(R"([{"type":"text","text":"ok"}])"), 0);
}

TEST(EditFormat, FencesAndPaths) {
  const auto fence = opening_fence("```python path=src/app.py");
  ASSERT_TRUE(fence);
  EXPECT_EQ(fence->length, 3u);
  EXPECT_EQ(fence_path(*fence, "/p"), "/p/src/app.py");
  EXPECT_EQ(fence_path(*opening_fence("````  path=\"/a b/c.txt\" x"), "/p"), "/a b/c.txt");
  EXPECT_EQ(fence_path(*opening_fence("~~~ path=file:///q/r"), "/p"), "/q/r");
  EXPECT_EQ(fence_path(*opening_fence("```python"), "/p"), std::nullopt);
  EXPECT_EQ(fence_path(*opening_fence("```xpath=/a"), "/p"), std::nullopt);
  EXPECT_FALSE(opening_fence("``not a fence"));
  EXPECT_FALSE(opening_fence("```a`b"));
  EXPECT_TRUE(closes(*opening_fence("````"), "`````"));
  EXPECT_FALSE(closes(*opening_fence("````"), "```"));
}

TEST(EditFormat, FindsCompleteBlocksOnly) {
  const std::string reply =
      "Intro\n```python\nprint('snippet')\n```\n"
      "```python path=/p/a.py\nold\n```\n"
      "````md path=/p/b.md\n```\ninner\n```\n````\n"
      "```python path=/p/a.py\nnewer\n```\n"
      "```text path=/p/cut.txt\nno closing fence";
  const auto blocks = find_edit_blocks(reply, "/p");
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].path, "/p/b.md");
  EXPECT_EQ(blocks[0].body, "```\ninner\n```\n");
  EXPECT_EQ(blocks[1].path, "/p/a.py");  // the later block for a path wins
  EXPECT_EQ(blocks[1].body, "newer\n");
}

// Feeds `reply` in pieces of `step` bytes and returns everything the filter let through.
std::string filtered(const std::string& reply, std::size_t step) {
  ReplyFilter filter([](const Fence& f) { return f.info.find("path=/p/") != std::string::npos; });
  std::string out;
  for (std::size_t i = 0; i < reply.size(); i += step) out += filter.feed(reply.substr(i, step));
  return out + filter.finish();
}

TEST(ReplyFilter, HidesEditBlocksWhateverTheChunking) {
  const std::string reply =
      "Done.\n```python path=/p/a.py\nsecret\n```\nSnippet:\n```js\nx`y\n```\n~~ tilde ~~\n``inline``";
  const std::string shown = "Done.\nSnippet:\n```js\nx`y\n```\n~~ tilde ~~\n``inline``";
  for (std::size_t step : {1u, 2u, 3u, 7u, 1000u}) EXPECT_EQ(filtered(reply, step), shown) << step;
}

TEST(ReplyFilter, KeepsBlocksForUnknownFilesAndShownBlockContents) {
  EXPECT_EQ(filtered("```c path=/elsewhere/x.c\ny\n```\n", 1), "```c path=/elsewhere/x.c\ny\n```\n");
  // A path= line inside an ordinary code block is content, not an edit.
  const std::string nested = "````md\n```c path=/p/x.c\n```\n````\n";
  EXPECT_EQ(filtered(nested, 1), nested);
  // An edit block cut off by max_tokens stays hidden.
  EXPECT_EQ(filtered("a\n```c path=/p/x.c\nint", 2), "a\n");
}

TEST(EditApply, SearchReplaceAndWholeFile) {
  const std::string old_text = "import os\n\ndef f():\n    return 1\n";
  auto sr = apply_edit_block(old_text, "<<<<<<< SEARCH\n    return 1\n=======\n    return 2\n>>>>>>> REPLACE\n", "a.py");
  ASSERT_TRUE(std::holds_alternative<std::string>(sr));
  EXPECT_EQ(std::get<std::string>(sr), "import os\n\ndef f():\n    return 2\n");
  auto whole = apply_edit_block(old_text, "import sys\n", "a.py");
  ASSERT_TRUE(std::holds_alternative<std::string>(whole));
  EXPECT_EQ(std::get<std::string>(whole), "import sys\n");
  auto crlf = apply_edit_block("a\r\nb\r\n", "<<<<<<< SEARCH\nb\n=======\nc\n>>>>>>> REPLACE\n", "x.txt");
  ASSERT_TRUE(std::holds_alternative<std::string>(crlf));
  EXPECT_EQ(std::get<std::string>(crlf), "a\r\nc\r\n");
  auto missing = apply_edit_block(old_text, "<<<<<<< SEARCH\nnot there\n=======\nx\n>>>>>>> REPLACE\n", "a.py");
  EXPECT_TRUE(std::holds_alternative<EditFailure>(missing));
}

TEST(Updates, SchemaShapes) {
  EXPECT_EQ(proto::dump(message_chunk("hi")),
            R"({"content":{"text":"hi","type":"text"},"sessionUpdate":"agent_message_chunk"})");
  EXPECT_EQ(proto::dump(diff_content("/a", std::nullopt, "x")),
            R"({"newText":"x","oldText":null,"path":"/a","type":"diff"})");
  EXPECT_TRUE(selected(json::parse(R"({"outcome":{"outcome":"selected","optionId":"allow_once"}})"), kAllowOnce));
  EXPECT_FALSE(selected(json::parse(R"({"outcome":{"outcome":"cancelled"}})"), kAllowOnce));
  EXPECT_FALSE(selected(json::parse(R"({"outcome":{"outcome":"selected","optionId":"reject_once"}})"), kAllowOnce));
  EXPECT_FALSE(selected(json::object(), kAllowOnce));
}

}  // namespace
}  // namespace lamp::acp
