// SPDX-License-Identifier: GPL-3.0-or-later
// Streaming removal of edit blocks from the answer, one character at a time.
#include "acp/reply_filter.hpp"

#include <algorithm>
#include <utility>

namespace lamp::acp {
namespace {

// True while `line` (no newline yet) can still become a fence opening line.
bool could_open(std::string_view line) {
  const char mark = line.front();
  const std::size_t run = std::min(line.find_first_not_of(mark), line.size());
  return run == line.size() || run >= 3;
}

}  // namespace

ReplyFilter::ReplyFilter(std::function<bool(const Fence&)> hides) : hides_(std::move(hides)) {}

void ReplyFilter::end_line(std::string& out) {
  if (state_ == State::maybe_fence) {
    // Inside a code block that is shown, only its closing fence matters.
    const auto fence = shown_ ? std::nullopt : opening_fence(line_);
    if (fence && hides_(*fence)) {
      hidden_ = fence;
      state_ = State::hidden;
    } else {
      if (shown_ && closes(*shown_, line_)) {
        shown_.reset();
      } else if (fence) {
        shown_ = fence;
      }
      out += line_;
      out += '\n';
      state_ = State::text;
    }
  } else if (state_ == State::hidden) {
    if (closes(*hidden_, line_)) {
      hidden_.reset();
      state_ = State::text;
    }
  }
  line_.clear();
}

std::string ReplyFilter::feed(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (state_) {
      case State::text:
        if (line_start_ && (c == '`' || c == '~')) {
          state_ = State::maybe_fence;
          line_ = c;
        } else {
          out += c;
        }
        break;
      case State::maybe_fence:
        if (c == '\n') {
          end_line(out);
        } else {
          line_ += c;
          if (!could_open(line_)) {
            out += line_;
            line_.clear();
            state_ = State::text;
          }
        }
        break;
      case State::hidden:
        if (c == '\n') {
          end_line(out);
        } else {
          line_ += c;
        }
        break;
    }
    line_start_ = c == '\n';
  }
  return out;
}

std::string ReplyFilter::finish() {
  std::string out;
  if (state_ == State::maybe_fence) out = std::exchange(line_, {});
  // An unclosed edit block (cut-off reply) stays hidden: it is not a usable edit either.
  state_ = State::text;
  line_start_ = true;
  return out;
}

}  // namespace lamp::acp
