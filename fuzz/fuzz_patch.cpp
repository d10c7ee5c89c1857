// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the model-reply parser/repairer. Input byte 0 picks one of the fixture
// requests, the rest is the model reply; every PatchReady must strictly apply to its edited_text.
#include "common/patch_case.hpp"
#include "patch/patch_engine.hpp"
#include "patch/strict_apply.hpp"
#include "proto/jsonrpc.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace lamp::patch;
using json = nlohmann::json;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The distinct requests of tests/fixtures/patch/cases, in file-name order (fuzz/make_corpus.py
// numbers them the same way).
std::vector<PatchRequest> load_requests() {
  const fs::path fixtures = LAMP_PATCH_FIXTURES;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fixtures / "cases")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<json> seen;
  std::vector<PatchRequest> out;
  for (const auto& file : files) {
    const json r = json::parse(read_file(file)).at("request");
    if (std::find(seen.begin(), seen.end(), r) != seen.end()) continue;
    seen.push_back(r);
    out.push_back(parse_request(lamp::test_support::patch_case_params(r, fixtures)));
  }
  return out;
}

const std::vector<PatchRequest>& requests() {
  static const std::vector<PatchRequest> all = load_requests();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  check(!requests().empty());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  const auto& all = requests();
  const PatchRequest& req = all[data[0] % all.size()];
  const std::string_view reply(reinterpret_cast<const char*>(data) + 1, size - 1);

  // make_patch throws only when its own verification fails (a bug): let that crash the run.
  const PatchOutcome outcome = make_patch(req, reply);
  if (const auto* ready = std::get_if<PatchReady>(&outcome)) {
    check(!ready->patch.empty());
    check(ready->edited_text != req.buffer_text);
    std::string applied;
    try {
      applied = apply_unified_diff(req.buffer_text, ready->patch);
    } catch (const PatchMismatch& e) {
      std::fprintf(stderr, "strict apply refused the patch: %s\n", e.what());
      std::abort();
    }
    check(applied == ready->edited_text);
  }
  return 0;
}
