// Observed flows from an export directory (see export_dir.hpp).
#include "source/export_dir.hpp"
#include "source/export_dir_internal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "flowdoc/document.hpp"
#include "genesys/vocabulary.hpp"
#include "util/json_depth.hpp"

namespace flowlink::source {
namespace {

namespace fs = std::filesystem;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

namespace detail {

std::string read_file(const fs::path& path) {
  // Only regular files, and none larger than any flow could be: a FIFO named
  // x.json would block the read for ever, a link to /dev/zero fill memory.
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: cannot read: {}", path.string(), ec.message()));
  if (!fs::is_regular_file(status)) throw std::runtime_error(fmt::format("{}: not a regular file", path.string()));
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxExportFileBytes)
    throw std::runtime_error(fmt::format("{}: {} bytes, larger than any flow file ({} MB at most)", path.string(), size,
                                         kMaxExportFileBytes >> 20));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error(fmt::format("{}: cannot read: {}", path.string(), std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error(fmt::format("{}: read failed", path.string()));
  return text.str();
}

}  // namespace detail

namespace {

using detail::IndexEntry;
using detail::read_file;

std::string string_member(const nlohmann::json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) throw std::runtime_error(fmt::format("{}: \"{}\" must be a string", where, key));
  return it->get<std::string>();
}

// org.json: [{"file", "id", "name", "type", "published", "version"?}], by file name.
std::map<std::string, IndexEntry> read_index(const fs::path& path) {
  std::map<std::string, IndexEntry> index;
  std::error_code ec;
  if (!fs::exists(path, ec)) return index;
  const std::string where = path.string();
  nlohmann::json json;
  try {
    json = util::parse_json_bounded<nlohmann::json>(read_file(path), where);
  } catch (const nlohmann::json::exception& e) {  // parse_error; out_of_range for a number like 1e400
    throw std::runtime_error(fmt::format("{}: not JSON: {}", where, e.what()));
  }
  if (!json.is_array()) throw std::runtime_error(fmt::format("{}: expected an array of {{\"file\", \"id\", ...}}", where));
  for (std::size_t i = 0; i < json.size(); ++i) {
    const auto& item = json[i];
    const std::string item_where = fmt::format("{}: [{}]", where, i);
    if (!item.is_object()) throw std::runtime_error(fmt::format("{}: expected an object", item_where));
    IndexEntry entry;
    const std::string file = string_member(item, "file", item_where);
    entry.id = string_member(item, "id", item_where);
    if (file.empty() || entry.id.empty()) {
      throw std::runtime_error(fmt::format("{}: \"file\" and \"id\" are required", item_where));
    }
    entry.name = string_member(item, "name", item_where);
    entry.type = string_member(item, "type", item_where);
    entry.version = string_member(item, "version", item_where);
    if (auto it = item.find("published"); it != item.end() && !it->is_null()) {
      if (!it->is_boolean()) throw std::runtime_error(fmt::format("{}: \"published\" must be true or false", item_where));
      entry.published = it->get<bool>();
    }
    if (!index.emplace(file, std::move(entry)).second) {
      throw std::runtime_error(fmt::format("{}: file '{}' is listed twice", item_where, file));
    }
  }
  return index;
}

}  // namespace

namespace detail {

std::string fallback_type(const std::string& filename, const IndexEntry* entry) {
  return entry && !entry->type.empty() ? entry->type : flow_type_from_export_name(filename);
}

std::string fallback_name(const fs::path& path, const IndexEntry* entry) {
  return entry && !entry->name.empty() ? entry->name : path.stem().string();
}

plan::ObservedFlow read_flow(const fs::path& path, const std::string& filename, const IndexEntry* entry,
                             DocumentParse parse) {
  plan::ObservedFlow flow;
  flow.id = entry ? entry->id : path.stem().string();
  flow.version = entry ? entry->version : "";
  flow.published = entry ? entry->published : true;
  const std::string source = path.string();
  try {
    std::string text = read_file(path);
    if (flowdoc::is_architect_export_name(filename)) text = flowdoc::decode_architect_export(text, source);
    flow.document = parse_document(text, source, parse);
    flow.name = flow.document->name();
    // The type decides which rules select the flow. A document that does not
    // give one takes org.json's or its extension's; with none of them the
    // flow is an error, never silently out of every rule.
    flow.type = flow.document->type();
    if (flow.type.empty()) flow.type = fallback_type(filename, entry);
    if (flow.type.empty()) {
      throw std::runtime_error(fmt::format(
          "{}: the document has no \"type\", and neither {} nor the file name says which type of flow it is, "
          "so no rule can tell whether it selects it",
          source, kOrgIndexFile));
    }
  } catch (const std::exception& e) {
    // One bad file must not hide the others: it becomes this flow's error.
    flow.document.reset();
    flow.load_error = e.what();
    if (flow.load_error.find(source) == std::string::npos) flow.load_error = source + ": " + flow.load_error;
    flow.name = fallback_name(path, entry);
    flow.type = fallback_type(filename, entry);
  }
  return flow;
}

}  // namespace detail

bool is_export_flow_file(const std::string& filename) {
  if (filename == kOrgIndexFile) return false;
  return ends_with(filename, ".json") || flowdoc::is_architect_export_name(filename);
}

std::string flow_type_from_export_name(const std::string& filename) {
  for (const auto& [extension, type] : genesys::kExportExtensions) {
    if (ends_with(filename, extension)) return type;
  }
  return {};
}

namespace detail {

ExportListing list_export_dir(const std::string& dir) {
  const fs::path root(dir);
  std::error_code ec;
  if (!fs::exists(root, ec)) throw std::runtime_error(fmt::format("export directory '{}' does not exist", dir));
  if (!fs::is_directory(root, ec)) throw std::runtime_error(fmt::format("export directory '{}' is not a directory", dir));

  ExportListing listing;
  fs::directory_iterator it(root, ec);
  if (ec) throw std::runtime_error(fmt::format("export directory '{}' cannot be listed: {}", dir, ec.message()));
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) throw std::runtime_error(fmt::format("export directory '{}' cannot be listed: {}", dir, ec.message()));
    std::string filename = it->path().filename().string();
    if (!is_export_flow_file(filename)) continue;
    std::error_code type_ec;
    if (it->is_directory(type_ec)) continue;
    listing.files.push_back(ExportFile{std::move(filename), it->path(), nullptr});
  }
  std::sort(listing.files.begin(), listing.files.end(),
            [](const ExportFile& a, const ExportFile& b) { return a.filename < b.filename; });
  listing.index = read_index(root / kOrgIndexFile);
  for (auto& file : listing.files) {
    auto entry = listing.index.find(file.filename);
    if (entry != listing.index.end()) file.entry = &entry->second;
  }
  return listing;
}

}  // namespace detail

std::vector<plan::ObservedFlow> read_export_dir(const std::string& dir) {
  const detail::ExportListing listing = detail::list_export_dir(dir);
  std::vector<plan::ObservedFlow> flows;
  flows.reserve(listing.files.size());
  for (const auto& file : listing.files) flows.push_back(detail::read_flow(file.path, file.filename, file.entry));
  return flows;
}

}  // namespace flowlink::source
