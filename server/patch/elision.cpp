// SPDX-License-Identifier: GPL-3.0-or-later
// Placeholder-line classification. A false positive only costs a retry (or is kept as literal
// text); a false negative could delete code, so the phrase list errs on the generous side.
#include "patch/elision.hpp"

#include "patch/text_lines.hpp"

#include <array>
#include <string>

namespace lamp::patch {
namespace {

constexpr std::array<std::string_view, 10> kOpeners = {"<!--", "/*", "//", "#", "--", ";", "%", "*",
                                                       "'", "\""};
constexpr std::array<std::string_view, 2> kClosers = {"-->", "*/"};

// A comment that opens with an ellipsis and names any of these is a placeholder:
// "# ... existing code ...", "// ...rest of the function".
constexpr std::array<std::string_view, 24> kWeakPhrases = {
    "existing", "rest", "remaining", "remainder", "unchanged", "same", "before", "previous",
    "other", "omit", "brevity", "original", "here", "snip", "etc", "more", "keep", "continue",
    "body", "code", "method", "function", "implementation", "logic"};

// A comment that only ends with an ellipsis needs a clearer phrase ("# Loading..." is not one).
constexpr std::array<std::string_view, 17> kTrailingPhrases = {
    "existing", "rest of", "remaining", "remainder", "unchanged", "same as", "as before",
    "previous", "omitted", "brevity", "original", "snip", "etc", "other code", "other methods",
    "other functions", "code here"};

// Without an ellipsis only unmistakable phrases count.
constexpr std::array<std::string_view, 22> kStrongPhrases = {
    "existing code", "rest of the code", "rest of code", "rest of the file",
    "rest of the function", "rest of the class", "rest of the method", "rest of the body",
    "remaining code", "code unchanged", "unchanged code", "remains unchanged",
    "remain unchanged", "rest unchanged", "omitted for brevity", "same as before",
    "previous code", "original code", "existing implementation", "existing methods",
    "code remains the same", "keep existing"};

bool contains_any(std::string_view text, auto const& phrases) {
  for (std::string_view p : phrases) {
    if (text.find(p) != std::string_view::npos) return true;
  }
  return false;
}

bool only_dots(std::string_view s) {
  // "...", "…", ". . .", "[...]", "(...)", "{...}", "<...>"
  std::size_t dots = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i).starts_with("…")) {
      dots += 3;
      i += std::string_view("…").size() - 1;
    } else if (s[i] == '.') {
      ++dots;
    } else if (!is_space(s[i]) && std::string_view("[](){}<>").find(s[i]) == std::string_view::npos) {
      return false;
    }
  }
  return dots >= 3;
}

bool has_ellipsis(std::string_view s) {
  return s.find("...") != std::string_view::npos || s.find("…") != std::string_view::npos;
}

}  // namespace

Elision classify_elision(std::string_view line) {
  std::string_view body = trim(line);
  if (body.empty()) return Elision::none;
  if (only_dots(body)) return Elision::bare;

  bool comment = false;
  for (bool stripped = true; stripped && !body.empty();) {
    stripped = false;
    for (std::string_view opener : kOpeners) {
      if (body.starts_with(opener)) {
        body = trim(body.substr(opener.size()));
        comment = stripped = true;
        break;
      }
    }
  }
  for (std::string_view closer : kClosers) {
    if (body.ends_with(closer)) body = trim(body.substr(0, body.size() - closer.size()));
  }
  if (comment && (body.empty() || only_dots(body))) return body.empty() ? Elision::none : Elision::marker;

  const std::string lower = ascii_lower(body);
  const bool ellipsis = has_ellipsis(lower);
  // "... rest of the code ..." without a comment marker is a placeholder too.
  const bool framed = comment || lower.starts_with("...") || lower.starts_with("…");
  if (!framed) return Elision::none;
  const bool opens = lower.starts_with("...") || lower.starts_with("…");
  if (opens && contains_any(lower, kWeakPhrases)) return Elision::marker;
  if (ellipsis && contains_any(lower, kTrailingPhrases)) return Elision::marker;
  if (contains_any(lower, kStrongPhrases)) return Elision::marker;
  return Elision::none;
}

}  // namespace lamp::patch
