// SPDX-License-Identifier: GPL-3.0-or-later
// Content-addressed block search over the document, level by level.
#include "patch/block_locator.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace lamp::patch {
namespace {

std::string key_for(MatchLevel level, std::string_view s) {
  switch (level) {
    case MatchLevel::exact: return std::string(s);
    case MatchLevel::trailing_whitespace: return std::string(trim_right(s));
    default: return squash_whitespace(s);
  }
}

std::vector<Match> find_runs(const std::vector<std::string>& doc_keys,
                             const std::vector<std::string>& needle_keys, std::size_t from) {
  std::vector<Match> out;
  const std::size_t n = doc_keys.size();
  const std::size_t m = needle_keys.size();
  if (m == 0 || m > n) return out;
  for (std::size_t i = from; i + m <= n; ++i) {
    if (doc_keys[i] != needle_keys[0]) continue;
    std::size_t k = 1;
    while (k < m && doc_keys[i + k] == needle_keys[k]) ++k;
    if (k < m) continue;
    Match match{i, i + m, {}};
    for (std::size_t j = 0; j < m; ++j) match.map.push_back(static_cast<std::ptrdiff_t>(i + j));
    out.push_back(std::move(match));
  }
  return out;
}

// Matching on non-blank lines only; blank needle lines map to -1 and blank document lines
// inside the match are left to the caller (they are kept).
std::vector<Match> find_ignoring_blank_lines(const std::vector<std::string>& squashed,
                                             const std::vector<std::string>& needle,
                                             std::size_t from) {
  std::vector<std::size_t> doc_index;
  std::vector<std::string> doc_keys;
  for (std::size_t i = from; i < squashed.size(); ++i) {
    if (squashed[i].empty()) continue;
    doc_index.push_back(i);
    doc_keys.push_back(squashed[i]);
  }
  std::vector<std::size_t> needle_index;
  std::vector<std::string> needle_keys;
  for (std::size_t j = 0; j < needle.size(); ++j) {
    if (is_blank(needle[j])) continue;
    needle_index.push_back(j);
    needle_keys.push_back(squash_whitespace(needle[j]));
  }
  std::vector<Match> out;
  for (Match& run : find_runs(doc_keys, needle_keys, 0)) {
    Match match;
    match.map.assign(needle.size(), -1);
    for (std::size_t k = 0; k < needle_index.size(); ++k) {
      match.map[needle_index[k]] = static_cast<std::ptrdiff_t>(doc_index[run.begin + k]);
    }
    match.begin = doc_index[run.begin];
    match.end = doc_index[run.end - 1] + 1;
    out.push_back(std::move(match));
  }
  return out;
}

}  // namespace

const char* level_name(MatchLevel level) {
  switch (level) {
    case MatchLevel::exact: return "exactly";
    case MatchLevel::trailing_whitespace: return "ignoring trailing whitespace";
    case MatchLevel::whitespace: return "ignoring indentation";
    case MatchLevel::blank_lines: return "ignoring indentation and blank lines";
  }
  return "?";
}

const std::vector<std::string>& KeyCache::keys(const Lines& doc, MatchLevel level) {
  auto fill = [&](std::vector<std::string>& keys, bool& have) -> const std::vector<std::string>& {
    if (!have) {
      keys.clear();
      keys.reserve(doc.size());
      for (const auto& line : doc) keys.push_back(key_for(level, line.text));
      have = true;
    }
    return keys;
  };
  switch (level) {
    case MatchLevel::exact: return fill(exact_, have_exact_);
    case MatchLevel::trailing_whitespace: return fill(trailing_, have_trailing_);
    default: return fill(squashed_, have_squashed_);
  }
}

Located locate(const Lines& doc, const std::vector<std::string>& needle, std::size_t from,
               KeyCache& cache) {
  for (MatchLevel level : {MatchLevel::exact, MatchLevel::trailing_whitespace, MatchLevel::whitespace}) {
    std::vector<std::string> needle_keys;
    needle_keys.reserve(needle.size());
    for (const auto& line : needle) needle_keys.push_back(key_for(level, line));
    auto matches = find_runs(cache.keys(doc, level), needle_keys, from);
    if (!matches.empty()) return {std::move(matches), level};
  }
  return {find_ignoring_blank_lines(cache.keys(doc, MatchLevel::whitespace), needle, from),
          MatchLevel::blank_lines};
}

std::string describe_lines(const std::vector<Match>& matches) {
  std::string out = matches.size() == 1 ? "line " : "lines ";
  const std::size_t shown = std::min<std::size_t>(matches.size(), 8);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0) out += i + 1 == matches.size() ? " and " : ", ";
    out += std::to_string(matches[i].begin + 1);
  }
  if (shown < matches.size()) out += " and " + std::to_string(matches.size() - shown) + " more";
  return out;
}

std::string describe_closest(const Lines& doc, const std::vector<std::string>& needle) {
  std::unordered_map<std::string, std::vector<std::size_t>> where;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    std::string key = squash_whitespace(doc[i].text);
    if (key.size() >= 2) where[std::move(key)].push_back(i);
  }
  // Each needle line votes for the alignment offset (doc line - needle line) of its copies.
  std::unordered_map<std::ptrdiff_t, std::size_t> votes;
  for (std::size_t j = 0; j < needle.size(); ++j) {
    auto it = where.find(squash_whitespace(needle[j]));
    if (it == where.end() || it->second.size() > 50) continue;  // "}" votes for everything
    for (std::size_t i : it->second) {
      ++votes[static_cast<std::ptrdiff_t>(i) - static_cast<std::ptrdiff_t>(j)];
    }
  }
  std::ptrdiff_t best = 0;
  std::size_t best_votes = 0;
  for (const auto& [offset, count] : votes) {
    if (count > best_votes || (count == best_votes && offset < best)) {
      best = offset;
      best_votes = count;
    }
  }
  if (best_votes == 0) return "";
  const auto size = static_cast<std::ptrdiff_t>(doc.size());
  const std::ptrdiff_t first = std::clamp<std::ptrdiff_t>(best, 0, size - 1);
  const std::ptrdiff_t last = std::clamp<std::ptrdiff_t>(
      best + static_cast<std::ptrdiff_t>(needle.size()) - 1, first, size - 1);
  std::string out = "The most similar part of the file (lines " + std::to_string(first + 1) + "-" +
                    std::to_string(last + 1) + ") is:\n";
  for (std::ptrdiff_t i = first; i <= last; ++i) out += doc[static_cast<std::size_t>(i)].text + "\n";
  return out;
}

}  // namespace lamp::patch
