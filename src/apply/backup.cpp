// Atomic writes and flow document backups (see backup.hpp).
#include "apply/backup.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "apply/journal.hpp"
#include "util/atomic_file.hpp"

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

fs::path write_backup(const fs::path& flowlink_dir, const std::string& flow_id, const std::string& version,
                      std::chrono::system_clock::time_point time, std::string_view document_text) {
  const fs::path dir = flowlink_dir / "backups" / safe_file_component(flow_id);
  const std::string stem =
      fmt::format("{}-{}", safe_file_component(version.empty() ? "unknown" : version), compact_utc(time));
  fs::path path = dir / (stem + ".json");
  for (int n = 2; fs::exists(path); ++n) path = dir / fmt::format("{}-{}.json", stem, n);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  util::write_file_atomically(path, document_text);
  return path;
}

}  // namespace flowlink::apply
