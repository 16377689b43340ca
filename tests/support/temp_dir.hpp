#pragma once
// A fresh directory under the system temp dir, removed when the test ends.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace flowlink::testing {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& prefix = "flowlink-test") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
  }
};

}  // namespace flowlink::testing
