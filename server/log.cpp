// SPDX-License-Identifier: GPL-3.0-or-later
// Logging implementation: one line per message, written with a single call so lines never mix.
#include "log.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace lamp::log {

Level threshold() {
  static const Level level = [] {
    const char* env = std::getenv("LAMP_LOG");
    const std::string_view v = env ? env : "";
    if (v == "error") return Level::error;
    if (v == "warn") return Level::warn;
    if (v == "debug") return Level::debug;
    return Level::info;
  }();
  return level;
}

void write(Level level, std::string_view text) {
  static constexpr std::string_view names[] = {"error", "warn", "info", "debug"};
  std::string line = "lamp[";
  line += names[static_cast<int>(level)];
  line += "]: ";
  line += text;
  line += '\n';
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace lamp::log
