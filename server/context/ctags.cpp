// SPDX-License-Identifier: GPL-3.0-or-later
// CtagsTool: probing, running universal-ctags on file lists or one text, and reading its JSON.
// --options=NONE keeps a project's own .ctags.d (which may hold any option) out of the run.
#include "context/ctags.hpp"

#include "context/tool_env.hpp"
#include "proc/child_process.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace lamp::context {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxCtagsOutput = std::size_t{256} << 20;

std::vector<std::string> ctags_argv(const std::string& program) {
  return {program,          "--options=NONE", "--output-format=json", "--fields=+nKSea",
          "--kinds-C=+p",   "--kinds-C++=+p", "--pattern-length-limit=240",
          "--sort=no",      "-f",             "-",
          "-L",             "-"};
}

std::string text_field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::size_t number_field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<std::size_t>() : 0;
}

// Drops a UTF-8 sequence that ctags' pattern cut left incomplete at the end of `s`.
void drop_partial_utf8(std::string& s) {
  std::size_t i = s.size();
  std::size_t back = 0;
  while (i > 0 && back < 4 && (static_cast<unsigned char>(s[i - 1]) & 0xC0) == 0x80) --i, ++back;
  if (i == 0) return;
  const auto lead = static_cast<unsigned char>(s[i - 1]);
  const std::size_t need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  if (need > back) s.resize(i - 1);
}

// "/^def f(x):$/" -> "def f(x):"; a pattern without "$/" was cut by --pattern-length-limit.
void read_pattern(const std::string& pattern, Tag& tag) {
  std::string_view p = pattern;
  if (!p.starts_with("/^")) return;
  p.remove_prefix(2);
  if (p.ends_with("$/")) {
    p.remove_suffix(2);
  } else {
    if (p.ends_with("/")) p.remove_suffix(1);
    tag.source_line_cut = true;
  }
  std::string line;
  line.reserve(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\' && i + 1 < p.size() && (p[i + 1] == '/' || p[i + 1] == '\\')) ++i;
    line += p[i];
  }
  if (tag.source_line_cut) drop_partial_utf8(line);
  tag.source_line = std::move(line);
}

// A private directory under the system's temporary directory, removed with everything in it.
class PrivateTempDir {
 public:
  PrivateTempDir() {
    std::error_code ec;
    std::string pattern = (fs::temp_directory_path(ec) / "lamp-ctags.XXXXXX").string();
    if (ec) pattern = "/tmp/lamp-ctags.XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~PrivateTempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ctags' JSON lines, keeping outline tags; lines that are not tags are skipped.
std::vector<Tag> parse_ctags_json(std::string_view output) {
  std::vector<Tag> tags;
  std::size_t start = 0;
  while (start < output.size()) {
    auto newline = output.find('\n', start);
    if (newline == std::string_view::npos) newline = output.size();
    const auto j = nlohmann::json::parse(output.substr(start, newline - start), nullptr, false);
    start = newline + 1;
    if (!j.is_object() || text_field(j, "_type") != "tag") continue;
    Tag tag;
    tag.path = text_field(j, "path");
    tag.name = text_field(j, "name");
    tag.kind = text_field(j, "kind");
    tag.line = number_field(j, "line");
    tag.end = number_field(j, "end");
    tag.scope = text_field(j, "scope");
    tag.scope_kind = text_field(j, "scopeKind");
    tag.signature = text_field(j, "signature");
    // Private members are the class's own business; the outline is for its users.
    if (outline_depth(tag) < 0 || tag.line == 0 || text_field(j, "access") == "private") continue;
    read_pattern(text_field(j, "pattern"), tag);
    tags.push_back(std::move(tag));
  }
  return tags;
}

}  // namespace

CtagsTool::CtagsTool(CtagsSetup setup) : setup_(std::move(setup)) {}

const CtagsProbe& CtagsTool::probe() const {
  std::call_once(probed_, [this] {
    try {
      probe_.program = proc::find_program("ctags", setup_.search_path);
      if (probe_.program.empty()) {
        probe_.status = "ctags not found on PATH";
        return;
      }
      proc::ChildSpec spec;
      spec.argv = {probe_.program, "--version"};
      spec.env = tool_environment(setup_.search_path);
      spec.time_limit = setup_.time_limit;
      const auto result = proc::run_child(spec);
      const std::string marker = "Universal Ctags ";
      const auto at = result.out.find(marker);
      if (!result.succeeded() || at == std::string::npos) {
        probe_.status = "ctags at " + probe_.program + " is not Universal Ctags";
        return;
      }
      const auto version_end = result.out.find_first_of(",\n ", at + marker.size());
      const std::string version = result.out.substr(at + marker.size(), version_end - at - marker.size());
      if (result.out.find("+json") == std::string::npos) {
        probe_.status = "universal-ctags " + version + " at " + probe_.program + " lacks JSON output";
        return;
      }
      probe_.usable = true;
      probe_.status = "universal-ctags " + version;
    } catch (const std::exception& e) {
      probe_.status = std::string("ctags probe failed: ") + e.what();
    }
  });
  return probe_;
}

CtagsRun CtagsTool::run(const std::string& working_dir, const std::vector<std::string>& paths) const {
  CtagsRun run;
  try {
    const auto& found = probe();
    if (!found.usable) {
      run.error = found.status;
      return run;
    }
    proc::ChildSpec spec;
    spec.argv = ctags_argv(found.program);
    for (const auto& path : paths)
      if (path.find('\n') == std::string::npos) spec.stdin_text += path + "\n";
    spec.env = tool_environment(setup_.search_path);
    spec.working_dir = working_dir;
    spec.time_limit = setup_.time_limit;
    spec.max_output_bytes = kMaxCtagsOutput;
    const auto result = proc::run_child(spec);
    if (result.timed_out) {
      run.timed_out = true;
      run.error = "ctags timed out after " + std::to_string(setup_.time_limit.count()) + " ms";
    } else if (!result.succeeded()) {
      run.error = !result.error.empty() ? result.error : "ctags failed: " + result.err.substr(0, 200);
    } else if (result.out.size() >= kMaxCtagsOutput) {
      run.error = "ctags output exceeds " + std::to_string(kMaxCtagsOutput >> 20) + " MiB";
    } else {
      run.tags = parse_ctags_json(result.out);
      run.ok = true;
    }
  } catch (const std::exception& e) {
    run.error = std::string("ctags run failed: ") + e.what();
  }
  return run;
}

std::optional<std::vector<Tag>> CtagsTool::tags_of_text(std::string_view text, const std::string& file_name) const {
  try {
    if (!probe().usable) return std::nullopt;
    const PrivateTempDir dir;
    std::string base = fs::path(file_name).filename().string();
    if (dir.path().empty() || base.empty() || base == "." || base == "..") return std::nullopt;
    {
      std::ofstream out(fs::path(dir.path()) / base, std::ios::binary);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
      if (!out) return std::nullopt;
    }
    auto result = run(dir.path(), {base});
    if (!result.ok) return std::nullopt;
    return std::move(result.tags);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace lamp::context
