// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark: lamp::patch::unified_diff vs `git diff --no-index` and GNU `diff -u` on generated
// 1k/10k/100k-line files with 1/10/100 scattered edits (min of several runs, same files).
#include "common/run_process.hpp"
#include "patch/strict_apply.hpp"
#include "patch/unified_diff.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>


namespace {

namespace fs = std::filesystem;
using lamp::patch::DiffOptions;
using lamp::patch::unified_diff;
using Clock = std::chrono::steady_clock;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Runs argv to completion; its output is written to `out_path` when one is given.
int run(const std::vector<std::string>& argv, const std::string& out_path = "") {
  const auto result = lamp::test_support::run_process(argv);
  if (!out_path.empty()) std::ofstream(out_path, std::ios::binary) << result.output;
  return result.exit_code;
}

double min_ms(int repeat, const std::function<void()>& body) {
  double best = 1e300;
  for (int i = 0; i < repeat; ++i) {
    const auto t0 = Clock::now();
    body();
    best = std::min(best, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  return best;
}

// Code-like lines; edits are spread evenly (with jitter) and mix changed, inserted and deleted
// lines, so hunks do not merge.
std::pair<std::string, std::string> generate(std::size_t lines, std::size_t edits, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> word(0, 9999);
  std::vector<std::string> text;
  text.reserve(lines);
  for (std::size_t i = 0; i < lines; ++i) {
    const int indent = static_cast<int>(i % 3) * 4;
    text.push_back(std::string(static_cast<std::size_t>(indent), ' ') + "value_" + std::to_string(i) + " = compute(" +
                   std::to_string(word(rng)) + ", \"item " + std::to_string(word(rng)) + "\")");
  }
  std::vector<std::string> edited = text;
  const std::size_t stride = lines / edits;
  std::uniform_int_distribution<std::size_t> jitter(0, stride / 2);
  for (std::size_t e = edits; e-- > 0;) {  // back to front: indices stay valid
    const std::size_t at = std::min(lines - 1, e * stride + jitter(rng));
    switch (e % 3) {
      case 0: edited[at] += "  # changed"; break;
      case 1: edited.insert(edited.begin() + static_cast<std::ptrdiff_t>(at), "inserted_" + std::to_string(e) + " = True"); break;
      default: edited.erase(edited.begin() + static_cast<std::ptrdiff_t>(at)); break;
    }
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& l : v) out += l + "\n";
    return out;
  };
  return {join(text), join(edited)};
}

// The hunks of a unified diff from the first "@@", each header cut after its closing "@@"
// (git appends a function-context hint there).
std::string hunks_of(const std::string& diff) {
  std::istringstream in(diff);
  std::string line, out;
  bool started = false;
  while (std::getline(in, line)) {
    if (line.starts_with("@@")) {
      started = true;
      line = line.substr(0, line.find(" @@", 2) + 3);
    }
    if (started) out += line + "\n";
  }
  return out;
}

int print_diff(const char* old_path, const char* new_path, const char* rel) {
  const std::string diff = unified_diff(read_file(old_path), read_file(new_path), rel);
  std::fwrite(diff.data(), 1, diff.size(), stdout);
  return diff.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--diff") return print_diff(argv[2], argv[3], argv[4]);
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  const std::string self = fs::canonical("/proc/self/exe").string();
  // Same conditions for git whatever the user's configuration says.
  setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
  setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);

  std::string templ = (fs::temp_directory_path() / "lamp-bench-diff-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) return 2;
  const fs::path dir = templ;
  const fs::path old_path = dir / "a.txt";
  const fs::path new_path = dir / "b.txt";
  const fs::path git_out = dir / "git.diff";

  std::printf("%7s %6s %10s %10s %10s %10s %9s %9s %6s\n", "lines", "edits", "lamp lib", "lamp proc", "git", "diff -u",
              "lib/git", "proc/git", "=git?");
  std::vector<std::vector<double>> lib_ms(3);
  const std::size_t sizes[] = {1000, 10000, 100000};
  const std::size_t edit_counts[] = {1, 10, 100};
  bool all_verified = true;
  for (std::size_t si = 0; si < 3; ++si) {
    for (std::size_t edits : edit_counts) {
      const std::size_t lines = sizes[si];
      const auto [before, after] = generate(lines, edits, static_cast<unsigned>(lines * 131 + edits));
      write_file(old_path, before);
      write_file(new_path, after);
      const int repeat = quick ? 2 : (lines >= 100000 ? 5 : 9);
      std::string ours;
      const double lib = min_ms(repeat, [&] { ours = unified_diff(before, after, "a.txt"); });
      const double proc = min_ms(repeat, [&] { run({self, "--diff", old_path.string(), new_path.string(), "a.txt"}); });
      const std::vector<std::string> git = {"git", "diff", "--no-index", "--no-color", "--no-ext-diff",
                                            old_path.string(), new_path.string()};
      const double git_ms = min_ms(repeat, [&] { run(git); });
      const double gnu = min_ms(repeat, [&] { run({"diff", "-u", old_path.string(), new_path.string()}); });
      run(git, git_out.string());
      const bool same = hunks_of(ours) == hunks_of(read_file(git_out));
      try {
        all_verified = all_verified && lamp::patch::apply_unified_diff(before, ours) == after;
      } catch (const std::exception&) {
        all_verified = false;
      }
      lib_ms[si].push_back(lib);
      std::printf("%7zu %6zu %8.2fms %8.2fms %8.2fms %8.2fms %8.2fx %8.2fx %6s\n", lines, edits, lib, proc, git_ms, gnu,
                  lib / git_ms, proc / git_ms, same ? "yes" : "no");
      std::fflush(stdout);
    }
  }
  std::printf("\nscaling of lamp lib time per 10x lines (linear = 10x):\n");
  for (std::size_t e = 0; e < 3; ++e) {
    std::printf("  %3zu edits: 1k->10k %5.1fx, 10k->100k %5.1fx\n", edit_counts[e], lib_ms[1][e] / lib_ms[0][e],
                lib_ms[2][e] / lib_ms[1][e]);
  }

  // Algorithm options on the largest case (what "tuning" would buy).
  const auto [before, after] = generate(100000, 100, 7);
  std::printf("\nlibgit2 options, 100k lines / 100 edits (min of %d):\n", quick ? 2 : 5);
  const std::pair<const char*, DiffOptions> variants[] = {
      {"default (myers, indent heuristic, trim)", {3, DiffOptions::Algorithm::myers, true, true}},
      {"without trimming the common ends", {3, DiffOptions::Algorithm::myers, true, false}},
      {"without the indent heuristic", {3, DiffOptions::Algorithm::myers, false, true}},
      {"minimal", {3, DiffOptions::Algorithm::minimal, true, true}},
      {"patience", {3, DiffOptions::Algorithm::patience, true, true}},
  };
  for (const auto& [name, options] : variants) {
    const double ms = min_ms(quick ? 2 : 5, [&, &o = options] { unified_diff(before, after, "a.txt", o); });
    std::printf("  %-42s %8.2fms\n", name, ms);
  }
  std::printf("\nevery diff verified by the strict applier: %s\n", all_verified ? "yes" : "NO");
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return all_verified ? 0 : 1;
}
