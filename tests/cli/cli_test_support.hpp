#pragma once
// Shared by the CLI tests: paths of the committed example org and manifests,
// temp directories, and running a command body with captured output.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace flowlink::cli::test {

namespace fs = std::filesystem;

inline const std::string kSourceDir = FLOWLINK_SOURCE_DIR;
inline const std::string kExampleOrg = kSourceDir + "/examples/org";
inline const std::string kManifests = kSourceDir + "/manifests";

// A fresh directory under the system temp dir, removed when the test ends.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "flowlink-cli-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return file(name);
  }
};

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every command ends with one summary line on stderr ("flowlink: 42 flows,
// 3 requests, 0 retries, 42 cache hits, 0.2 s"): the last line of `err`.
inline std::string run_summary_line(const std::string& err) {
  if (err.empty() || err.back() != '\n') return {};
  const auto start = err.rfind('\n', err.size() - 2);
  return err.substr(start == std::string::npos ? 0 : start + 1, err.size() - (start == std::string::npos ? 0 : start + 1) - 1);
}
// stderr holds nothing but the summary line.
inline bool only_summary(const std::string& err) {
  const std::string line = run_summary_line(err);
  return !line.empty() && line.rfind("flowlink: ", 0) == 0 && line.find(" requests") != std::string::npos &&
         err == line + "\n";
}

}  // namespace flowlink::cli::test
