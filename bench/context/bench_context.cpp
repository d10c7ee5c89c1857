// SPDX-License-Identifier: GPL-3.0-or-later
// bench_context: what lamp_context costs and saves: repo map build time without and with the
// cache, and its bytes, on this repository and on a generated 2,000-file tree; excerpt bytes next
// to whole-file bytes for one selection in generated 1k, 5k and 20k-line files. Figures only.
// Usage: bench_context [RUNS]   (median of RUNS, default 5)
#include "context/excerpt.hpp"
#include "context/repo_map.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

using namespace lamp::context;
namespace fs = std::filesystem;

namespace {

double median_ms(int runs, const std::function<void()>& work) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

std::string python_file(int lines) {
  std::string text = "import os\n\n";
  for (int i = 0; text.size() < 1 || std::count(text.begin(), text.end(), '\n') + 10 <= lines; ++i) {
    text += "def handler_" + std::to_string(i) + "(request, options=None):\n    \"\"\"Handle one request.\"\"\"\n";
    for (int k = 0; k < 6; ++k) text += "    value_" + std::to_string(k) + " = request.get('k" + std::to_string(k) + "', 0)\n";
    text += "    return value_0\n\n";
  }
  return text;
}

// 40 directories of 50 files, Python and C alternating, each with ten functions.
void generate_tree(const fs::path& root) {
  for (int d = 0; d < 40; ++d) {
    const fs::path dir = root / ("pkg" + std::to_string(d)) / "sub";
    fs::create_directories(dir);
    for (int f = 0; f < 50; ++f) {
      const bool py = f % 2 == 0;
      std::string text;
      for (int i = 0; i < 10; ++i) {
        const std::string name = "fn_" + std::to_string(d) + "_" + std::to_string(f) + "_" + std::to_string(i);
        text += py ? "def " + name + "(a, b):\n    return a + b\n\n" : "int " + name + "(int a, int b)\n{\n  return a + b;\n}\n\n";
      }
      std::ofstream(dir / ("m" + std::to_string(f) + (py ? ".py" : ".c"))) << text;
    }
  }
}

void map_row(const char* label, const std::string& root, const std::string& current_rel, int runs) {
  std::string current;
  {
    std::ifstream in(fs::path(root) / current_rel);
    current.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::size_t bytes = 0, full_bytes = 0;
  const double uncached = median_ms(runs, [&] {
    RepoMapCache cache;
    bytes = cache.map(root, current_rel, current).value_or("").size();
  });
  RepoMapCache cache;
  (void)cache.map(root, current_rel, current);
  const double cached = median_ms(runs, [&] { (void)cache.map(root, current_rel, current); });
  RepoMapOptions whole;
  whole.max_bytes = std::size_t{1} << 30;
  full_bytes = RepoMapCache(whole).map(root, current_rel, current).value_or("").size();
  std::printf("| %s | %.1f | %.1f | %zu | %zu |\n", label, uncached, cached, bytes, full_bytes);
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = std::max(1, argc > 1 ? std::atoi(argv[1]) : 5);
  RepoMapCache probe_cache;
  if (!probe_cache.ctags().probe().usable) {
    std::printf("Not measured: %s\n", probe_cache.status().c_str());
    return 1;
  }
  std::printf("%s; median of %d runs.\n\n", probe_cache.status().c_str(), runs);
  std::printf("| project | map uncached (ms) | map cached (ms) | map bytes (cap 4096) | uncapped bytes |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  map_row("this repository (git ls-files)", LAMP_SOURCE_DIR, "server/context/repo_map.cpp", runs);

  const fs::path tree = fs::temp_directory_path() / ("lamp-bench-context-" + std::to_string(::getpid()));
  generate_tree(tree);
  map_row("generated 2,000 files (walk)", tree.string(), "pkg7/sub/m0.py", runs);
  std::error_code ec;
  fs::remove_all(tree, ec);

  std::printf("\n| file | whole file (bytes) | excerpt with ctags (bytes) | excerpt without ctags (bytes) | tags + excerpt (ms) |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  const CtagsTool& ctags = probe_cache.ctags();
  for (const int lines : {1000, 5000, 20000}) {
    const std::string text = python_file(lines);
    const auto at = text.find("return value_0", text.size() / 2);  // a comment's place mid-file
    const std::vector<ByteRange> selection{{at, at + 14}};
    std::size_t with_tags = 0;
    const double ms = median_ms(runs, [&] {
      const auto tags = ctags.tags_of_text(text, "generated.py");
      with_tags = excerpt(text, selection, tags ? &*tags : nullptr).size();
    });
    const std::size_t without_tags = excerpt(text, selection, nullptr).size();
    std::printf("| %d lines | %zu | %zu | %zu | %.1f |\n", lines, text.size(), with_tags, without_tags, ms);
  }
  return 0;
}
