#pragma once
// Backups of the documents the applier changes, and atomic file writes.

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace flowlink::apply {

// Keeps the original document of a flow, exactly as the server sent it, at
// <flowlink_dir>/backups/<flowId>/<version>-<UTC timestamp>.json (a "-2", "-3"
// suffix when that name exists). `version` "" becomes "unknown". Returns the
// path written.
std::filesystem::path write_backup(const std::filesystem::path& flowlink_dir, const std::string& flow_id,
                                   const std::string& version, std::chrono::system_clock::time_point time,
                                   std::string_view document_text);

// Replaces every character outside [A-Za-z0-9._-] by '_' (file-name safe).
std::string safe_file_component(std::string_view text);

}  // namespace flowlink::apply
