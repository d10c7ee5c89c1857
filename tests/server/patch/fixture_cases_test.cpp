// SPDX-License-Identifier: GPL-3.0-or-later
// Table-driven cases from tests/fixtures/patch/cases/*.json: a buffer, a recorded model reply
// (also servable by the fake upstream: "match" + "content"), and the expected outcome. Every
// produced diff is checked with GNU patch and git apply.
#include "patch/patch_engine.hpp"

#include "common/patch_case.hpp"
#include "support/real_tools.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

namespace fs = std::filesystem;
using namespace lamp::patch;
using lamp::patch::testing::applies_with_real_tools;
using lamp::patch::testing::read_file;
using json = nlohmann::json;

namespace {

const fs::path kFixtures = LAMP_PATCH_FIXTURES;

std::vector<fs::path> case_files() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(kFixtures / "cases")) {
    if (entry.path().extension() == ".json") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

json load_case(const fs::path& path) { return json::parse(read_file(path)); }

json params_of(const json& c) {
  return lamp::test_support::patch_case_params(c.at("request"), kFixtures);
}

std::string prompt_text(const json& messages) {
  std::string out;
  for (const auto& m : messages) out += m.at("content").get<std::string>() + "\n";
  return out;
}

class FixtureCase : public ::testing::TestWithParam<fs::path> {};

}  // namespace

TEST_P(FixtureCase, ProducesTheExpectedOutcome) {
  const json c = load_case(GetParam());
  const PatchRequest req = parse_request(params_of(c));
  const std::string expect = c.at("expect");
  if (c.contains("rel_path")) {
    EXPECT_EQ(req.rel_path, c["rel_path"].get<std::string>());
  }

  // The fake upstream serves "content" to the first request whose messages contain "match".
  EXPECT_NE(prompt_text(build_messages(req)).find(c.at("match").get<std::string>()), std::string::npos)
      << "\"match\" does not occur in the prompt";

  PatchOutcome outcome = make_patch(req, c.at("content").get<std::string>());
  if (c.contains("retry_content")) {
    const auto* failure = std::get_if<RepairFailure>(&outcome);
    ASSERT_NE(failure, nullptr) << "the first reply was expected to fail";
    const json retry = build_retry_messages(req, c["content"].get<std::string>(), *failure);
    for (const auto& needle : c.value("retry_prompt_contains", json::array())) {
      EXPECT_NE(retry.back().at("content").get<std::string>().find(needle.get<std::string>()), std::string::npos)
          << "retry prompt lacks: " << needle << "\n" << retry.back().at("content").get<std::string>();
    }
    outcome = make_patch(req, c["retry_content"].get<std::string>());
  }

  if (expect == "failure") {
    const auto* failure = std::get_if<RepairFailure>(&outcome);
    ASSERT_NE(failure, nullptr) << "expected a failure";
    for (const auto& needle : c.value("failure_contains", json::array())) {
      EXPECT_NE(failure->description.find(needle.get<std::string>()), std::string::npos)
          << "failure lacks: " << needle << "\n" << failure->description;
    }
    return;
  }
  if (expect == "no_change") {
    const auto* none = std::get_if<NoChange>(&outcome);
    ASSERT_NE(none, nullptr) << "expected no change";
    if (c.contains("rationale")) {
    EXPECT_EQ(none->rationale, c["rationale"].get<std::string>());
  }
    return;
  }
  ASSERT_EQ(expect, "patch");
  const auto* failure = std::get_if<RepairFailure>(&outcome);
  ASSERT_EQ(failure, nullptr) << failure->description;
  const auto* ready = std::get_if<PatchReady>(&outcome);
  ASSERT_NE(ready, nullptr) << "expected a patch, got no change";
  if (c.contains("edited")) {
    EXPECT_EQ(ready->edited_text, read_file(kFixtures / c["edited"].get<std::string>()));
  }
  if (c.contains("rationale")) {
    EXPECT_EQ(ready->rationale, c["rationale"].get<std::string>());
  }
  for (const auto& needle : c.value("patch_contains", json::array())) {
    EXPECT_NE(ready->patch.find(needle.get<std::string>()), std::string::npos) << "patch lacks: " << needle;
  }
  EXPECT_TRUE(applies_with_real_tools(req.buffer_text, req.rel_path, ready->patch, ready->edited_text));
}

TEST(FixtureCases, MatchStringsAreUniqueAcrossCases) {
  // So the fake upstream can serve the whole directory: no case's prompt contains another's
  // "match" string.
  const auto files = case_files();
  ASSERT_GE(files.size(), 30u);
  std::vector<std::pair<std::string, std::string>> prompts;  // (match, prompt)
  for (const auto& f : files) {
    const json c = load_case(f);
    prompts.emplace_back(c.at("match"), prompt_text(build_messages(parse_request(params_of(c)))));
  }
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    for (std::size_t j = 0; j < prompts.size(); ++j) {
      if (i != j) {
        EXPECT_EQ(prompts[j].second.find(prompts[i].first), std::string::npos)
            << files[i].filename() << "'s match occurs in the prompt of " << files[j].filename();
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, FixtureCase, ::testing::ValuesIn(case_files()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.stem().string();
                           std::replace_if(name.begin(), name.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
                           return name;
                         });

TEST(FixtureCases, MutatedRepliesNeverCrashOrProduceUnverifiedDiffs) {
  // Recorded replies with lines dropped, doubled, cut short or with a prefix character lost:
  // every outcome must be a value (never an exception), and make_patch verifies each diff.
  std::mt19937 rng(4242);
  std::size_t ready = 0;
  std::size_t failures = 0;
  for (const auto& file : case_files()) {
    const json c = load_case(file);
    const PatchRequest req = parse_request(params_of(c));
    const std::string reply = c.at("content");
    for (int round = 0; round < 100; ++round) {
      std::vector<std::string> lines;
      std::size_t start = 0;
      while (start <= reply.size()) {
        const std::size_t nl = std::min(reply.find('\n', start), reply.size());
        lines.push_back(reply.substr(start, nl - start));
        start = nl + 1;
      }
      const std::size_t at = rng() % lines.size();
      switch (rng() % 4) {
        case 0: lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(at)); break;
        case 1: lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), lines[at]); break;
        case 2: lines.resize(at + 1); break;
        default: if (!lines[at].empty()) lines[at].erase(0, 1); break;
      }
      std::string mutated;
      for (const auto& l : lines) mutated += l + "\n";
      PatchOutcome outcome;
      ASSERT_NO_THROW(outcome = make_patch(req, mutated)) << file.filename() << "\n" << mutated;
      if (std::holds_alternative<PatchReady>(outcome)) ++ready;
      if (std::holds_alternative<RepairFailure>(outcome)) ++failures;
    }
  }
  EXPECT_GT(ready, 0u);
  EXPECT_GT(failures, 0u);
}
