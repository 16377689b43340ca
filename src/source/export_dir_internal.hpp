#pragma once
// What export_dir.cpp and export_plan.cpp share of reading an export
// directory: its listing, org.json, and reading one file. Not for other
// callers.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "plan/planner.hpp"
#include "source/document_parse.hpp"

namespace flowlink::source::detail {

// One entry of org.json.
struct IndexEntry {
  std::string id;
  std::string name;
  std::string type;
  std::string version;
  bool published = true;
};

struct ExportFile {
  std::string filename;
  std::filesystem::path path;
  const IndexEntry* entry = nullptr;  // org.json's entry for it, if any (points into ExportListing::index)
};

// The flow files of an export directory (sorted by file name) and org.json.
// Not copyable: files point into index.
struct ExportListing {
  ExportListing() = default;
  ExportListing(const ExportListing&) = delete;
  ExportListing& operator=(const ExportListing&) = delete;
  ExportListing(ExportListing&&) = default;
  std::vector<ExportFile> files;
  std::map<std::string, IndexEntry> index;
};

// Throws std::runtime_error naming the directory (missing, not a directory,
// unlistable) or org.json (malformed).
ExportListing list_export_dir(const std::string& dir);

// The largest file read: an Architect export of the largest flow document
// the API answers (genesys::AnswerLimits::flow_document, 64 MB), URL-encoded
// (up to 3x) then base64-encoded (4/3): 256 MB.
inline constexpr std::uintmax_t kMaxExportFileBytes = std::uintmax_t{256} << 20;

// Reads a whole regular file of at most kMaxExportFileBytes; throws
// std::runtime_error naming it (missing, not a regular file, too large).
std::string read_file(const std::filesystem::path& path);

// One flow file as read_export_dir reads it: the document, or load_error.
plan::ObservedFlow read_flow(const std::filesystem::path& path, const std::string& filename, const IndexEntry* entry,
                             DocumentParse parse = DocumentParse::Whole);

// A flow's name and type when its document cannot give them (it could not be
// read or parsed, or has no type): org.json's, else the file's stem / the
// type its extension implies ("" when none).
std::string fallback_name(const std::filesystem::path& path, const IndexEntry* entry);
std::string fallback_type(const std::string& filename, const IndexEntry* entry);

}  // namespace flowlink::source::detail
