// SPDX-License-Identifier: GPL-3.0-or-later
// The repo map's ranking (names used by the current file, then nearness) and its text.
#include "context/map_text.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace lamp::context {
namespace {

bool is_word_char(char c, bool dash) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || (dash && c == '-');
}

}  // namespace

std::unordered_set<std::string_view> used_names(std::string_view text) {
  std::unordered_set<std::string_view> words;
  for (const bool dash : {false, true}) {
    std::size_t i = 0;
    while (i < text.size()) {
      if (!is_word_char(text[i], dash)) {
        ++i;
        continue;
      }
      const std::size_t start = i;
      while (i < text.size() && is_word_char(text[i], dash)) ++i;
      const auto word = text.substr(start, i - start);
      if (word.size() >= 3 && !(word[0] >= '0' && word[0] <= '9')) words.insert(word);
    }
  }
  return words;
}

namespace {

// Files of one family can use each other's names; 0 when the extension is unknown.
int language_family(std::string_view path) {
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return 0;
  const auto ext = path.substr(dot + 1);
  const std::initializer_list<std::initializer_list<std::string_view>> families = {
      {"c", "h", "cc", "cpp", "cxx", "c++", "hpp", "hh", "hxx", "h++", "ipp", "inl", "m", "mm", "cu"},
      {"py", "pyi", "pyx"},
      {"js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "vue", "svelte"},
      {"el"},
      {"go"},
      {"rs"},
      {"java", "kt", "kts", "scala", "groovy"},
      {"rb", "rake"},
      {"sh", "bash", "zsh"},
      {"cs"},
      {"php"},
      {"lua"},
      {"swift"},
  };
  int family = 0;
  for (const auto& exts : families) {
    ++family;
    for (const auto e : exts)
      if (e == ext) return family;
  }
  return 0;
}

bool may_use(std::string_view from, std::string_view to) {
  const int a = language_family(from), b = language_family(to);
  return a == 0 || b == 0 || a == b;
}

// A name defined in more files than this says little about which one the current file means.
constexpr std::size_t kMaxDefiningFiles = 5;

std::string_view directory_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// Number of leading directories `a` and `b` (directory paths) have in common.
std::size_t shared_dirs(std::string_view a, std::string_view b) {
  std::size_t shared = 0;
  while (!a.empty() && !b.empty()) {
    const auto ea = a.find('/'), eb = b.find('/');
    if (a.substr(0, ea) != b.substr(0, eb)) break;
    ++shared;
    a = ea == std::string_view::npos ? std::string_view() : a.substr(ea + 1);
    b = eb == std::string_view::npos ? std::string_view() : b.substr(eb + 1);
  }
  return shared;
}

struct Ranked {
  const FileOutline* file;
  double uses = 0;  // sum over used names it defines of weight / (files defining the name)
  bool same_dir = false;
  std::size_t shared = 0;
};

std::vector<std::string> outline_lines(const FileOutline& file) {
  std::vector<const Tag*> tags;
  for (const auto& tag : *file.tags) tags.push_back(&tag);
  std::stable_sort(tags.begin(), tags.end(), [](const Tag* a, const Tag* b) { return a->line < b->line; });
  std::vector<std::string> lines;
  for (const Tag* tag : tags) {
    std::string line(2 + 2 * static_cast<std::size_t>(outline_depth(*tag)), ' ');
    line += signature_line(*tag);
    line += '\n';
    if (lines.empty() || lines.back() != line) lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace

std::string render_repo_map(const std::vector<FileOutline>& files, std::string_view current_rel,
                            std::string_view current_text, std::size_t max_bytes) {
  auto used = used_names(current_text);
  for (const auto& file : files)
    if (file.path == current_rel)
      for (const auto& tag : *file.tags) used.erase(tag.name);

  // Per file, the used names it defines, each with its weight: 1 at top level, 1/2 for methods
  // (method names like "reset" or "begin" are common).
  std::unordered_map<std::string_view, std::size_t> defining_files;
  std::vector<std::vector<std::pair<std::string_view, double>>> used_names(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i].path == current_rel || !may_use(current_rel, files[i].path)) continue;
    auto& names = used_names[i];
    for (const auto& tag : *files[i].tags)
      if (used.contains(tag.name)) names.emplace_back(tag.name, outline_depth(tag) == 0 ? 1.0 : 0.5);
    std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    names.erase(std::unique(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
                names.end());
    for (const auto& name : names) ++defining_files[name.first];
  }

  const auto current_dir = directory_of(current_rel);
  std::vector<Ranked> ranked;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i].path == current_rel || files[i].tags->empty()) continue;
    Ranked r{&files[i]};
    for (const auto& [name, weight] : used_names[i]) {
      const std::size_t defining = defining_files[name];
      if (defining <= kMaxDefiningFiles) r.uses += weight / static_cast<double>(defining);
    }
    const auto dir = directory_of(files[i].path);
    r.same_dir = dir == current_dir;
    r.shared = shared_dirs(dir, current_dir);
    ranked.push_back(r);
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.uses != b.uses) return a.uses > b.uses;
    if (a.same_dir != b.same_dir) return a.same_dir;
    if (a.shared != b.shared) return a.shared > b.shared;
    return a.file->path < b.file->path;
  });

  std::string map;
  for (const auto& r : ranked) {
    const auto lines = outline_lines(*r.file);
    if (lines.empty()) continue;
    const std::string head = std::string(r.file->path) + "\n";
    if (map.size() + head.size() + lines.front().size() > max_bytes) break;
    map += head;
    for (const auto& line : lines) {
      if (map.size() + line.size() > max_bytes) return map;
      map += line;
    }
  }
  return map;
}

}  // namespace lamp::context
