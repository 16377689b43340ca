// Atomic writes and flow document backups (see backup.hpp).
#include "apply/backup.hpp"

#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "apply/journal.hpp"

namespace flowlink::apply {

namespace fs = std::filesystem;

std::string safe_file_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    out += ok ? c : '_';
  }
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

void write_file_atomic(const fs::path& path, std::string_view text) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", path.parent_path().string(), ec.message()));
  }
  thread_local std::mt19937_64 random{std::random_device{}()};
  fs::path temp = path;
  temp += fmt::format(".tmp-{:016x}", random());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      fs::remove(temp, ec);
      throw std::runtime_error(fmt::format("cannot write {}", temp.string()));
    }
  }
  fs::rename(temp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw std::runtime_error(fmt::format("cannot move {} to {}: {}", temp.string(), path.string(), ec.message()));
  }
}

fs::path write_backup(const fs::path& flowlink_dir, const std::string& flow_id, const std::string& version,
                      std::chrono::system_clock::time_point time, std::string_view document_text) {
  const fs::path dir = flowlink_dir / "backups" / safe_file_component(flow_id);
  const std::string stem =
      fmt::format("{}-{}", safe_file_component(version.empty() ? "unknown" : version), compact_utc(time));
  fs::path path = dir / (stem + ".json");
  for (int n = 2; fs::exists(path); ++n) path = dir / fmt::format("{}-{}.json", stem, n);
  write_file_atomic(path, document_text);
  return path;
}

}  // namespace flowlink::apply
