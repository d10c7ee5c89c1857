// SPDX-License-Identifier: GPL-3.0-or-later
// Minimal leveled logging to stderr. The level comes from $LAMP_LOG (error, warn, info, debug;
// default info) and is read once. Callers never pass secrets; request bodies appear only at
// debug, as redacted excerpts (upstream/request_log.hpp).
#pragma once

#include <iostream>
#include <sstream>
#include <string_view>

namespace lamp::log {

enum class Level { error = 0, warn = 1, info = 2, debug = 3 };

Level threshold();
void write(Level level, std::string_view text);

template <typename... Args>
void emit(Level level, const Args&... args) {
  if (level > threshold()) return;
  std::ostringstream out;
  (out << ... << args);
  write(level, out.str());
}

template <typename... Args> void error(const Args&... a) { emit(Level::error, a...); }
template <typename... Args> void warn(const Args&... a) { emit(Level::warn, a...); }
template <typename... Args> void info(const Args&... a) { emit(Level::info, a...); }
template <typename... Args> void debug(const Args&... a) { emit(Level::debug, a...); }

}  // namespace lamp::log
