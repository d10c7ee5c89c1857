// SPDX-License-Identifier: GPL-3.0-or-later
// ReplyFilter: the streamed answer minus the edit blocks. A file's new content is shown to the
// user as a diff (tool call), so its fenced block is held back from the message chunks.
#pragma once

#include "acp/edit_format.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace lamp::acp {

class ReplyFilter {
 public:
  // `hides(fence)` says whether a block opened by `fence` is an edit block to hold back.
  explicit ReplyFilter(std::function<bool(const Fence&)> hides);

  // The part of `text` that may be shown now. Text at the start of a line that could open a
  // fence is held until its line is complete.
  std::string feed(std::string_view text);
  // What is still held once the reply is complete.
  std::string finish();

 private:
  enum class State { text, maybe_fence, hidden };
  void end_line(std::string& out);

  std::function<bool(const Fence&)> hides_;
  State state_ = State::text;
  bool line_start_ = true;
  std::string line_;             // the held line (maybe_fence) or the hidden line so far
  std::optional<Fence> hidden_;  // the block being held back
  std::optional<Fence> shown_;   // an ordinary code block being shown
};

}  // namespace lamp::acp
