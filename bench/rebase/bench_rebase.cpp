// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark: lamp::patch::rebase_diff (what wisp.rebase runs on the cpu pool) on generated
// 10k-line buffers: the proposal's hunks, the user's edits, one or several hunks conflicting;
// median of RUNS runs, next to one `git merge-file -p` of the same three texts (process included).
#include "common/run_process.hpp"
#include "common/temp_dir.hpp"
#include "patch/rebase.hpp"
#include "patch/unified_diff.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> code_lines(std::size_t count) {
  std::vector<std::string> lines;
  lines.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    lines.push_back(i % 5 == 4 ? "\n" : "    value_" + std::to_string(i) + " = compute(" + std::to_string(i * 7 % 113) + ")\n");
  }
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l;
  return out;
}

// `count` edits spread evenly from line `offset`, each changing one line.
std::vector<std::string> edited(std::vector<std::string> lines, std::size_t count, std::size_t offset, const char* tag) {
  const std::size_t step = lines.size() / (count + 1);
  for (std::size_t k = 1; k <= count; ++k) {
    auto& line = lines[(k * step + offset) % lines.size()];
    line.insert(line.size() - 1, std::string("  # ") + tag);
  }
  return lines;
}

double median_ms(int runs, const auto& body) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    body();
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void write(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 9;
  constexpr std::size_t kLines = 10000;
  const auto base_lines = code_lines(kLines);
  const std::string base = join(base_lines);
  struct Case {
    const char* name;
    std::size_t hunks;
    std::size_t user_edits;
    std::size_t conflicting;  // user edits placed on the proposal's changed lines
  };
  const Case cases[] = {
      {"1 hunk, 1 edit elsewhere", 1, 1, 0},
      {"10 hunks, 10 edits elsewhere", 10, 10, 0},
      {"100 hunks, 100 edits elsewhere", 100, 100, 0},
      {"10 hunks, 1 conflicting", 10, 1, 1},
      {"100 hunks, 10 conflicting", 100, 10, 10},
  };
  std::printf("%zu-line buffer (%zu KB); median of %d runs.\n\n", kLines, base.size() / 1024, runs);
  std::printf("| case | hunks merged | conflicts | rebase_diff (ms) | git merge-file -p, whole file (ms) |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  lamp::test_support::TempDir tmp;
  for (const auto& c : cases) {
    const std::string proposal = join(edited(base_lines, c.hunks, 0, "proposal"));
    auto user = base_lines;
    // Edits away from the proposal sit half a step off; conflicting ones on the same lines.
    user = edited(user, c.user_edits - c.conflicting, kLines / (2 * (c.user_edits + 1)), "user");
    if (c.conflicting > 0) {
      const std::size_t step = kLines / (c.hunks + 1);
      for (std::size_t k = 1; k <= c.conflicting; ++k) {
        auto& line = user[k * step];
        line.insert(line.size() - 1, "  # user");
      }
    }
    const std::string current = join(user);
    const std::string diff = lamp::patch::unified_diff(base, proposal, "src/big.py");
    lamp::patch::RebaseResult result;
    const double ours = median_ms(runs, [&] { result = lamp::patch::rebase_diff(base, current, diff); });
    write(tmp.file("base"), base);
    write(tmp.file("current"), current);
    write(tmp.file("theirs"), proposal);
    const double git = median_ms(runs, [&] {
      lamp::test_support::run_process({"git", "merge-file", "-p", "-q", tmp.file("current"), tmp.file("base"), tmp.file("theirs")});
    });
    std::printf("| %s | %zu | %zu | %.2f | %.2f |\n", c.name, c.hunks - result.conflicts.size(), result.conflicts.size(), ours, git);
  }
  return 0;
}
