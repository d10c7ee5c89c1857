// SPDX-License-Identifier: GPL-3.0-or-later
// TempProject: a uniquely named directory under the system's temporary directory for one test,
// with helpers to write files in it; removed with everything in it at the end of the test.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>
#include <string>

namespace lamp::context::test {

class TempProject {
 public:
  TempProject() {
    std::random_device random;
    root_ = std::filesystem::temp_directory_path() /
            ("lamp-context-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(root_);
  }
  ~TempProject() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempProject(const TempProject&) = delete;
  TempProject& operator=(const TempProject&) = delete;

  std::string root() const { return root_.string(); }
  std::filesystem::path path(const std::string& rel) const { return root_ / rel; }

  void write(const std::string& rel, const std::string& text) const {
    const auto file = root_ / rel;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
  }

  // Sets the file's mtime `seconds` ahead of now, as an editor saving it later would.
  void touch_later(const std::string& rel, int seconds) const {
    std::filesystem::last_write_time(root_ / rel,
                                     std::filesystem::file_time_type::clock::now() + std::chrono::seconds(seconds));
  }

 private:
  std::filesystem::path root_;
};

}  // namespace lamp::context::test
