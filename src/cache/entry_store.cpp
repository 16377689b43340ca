// The cache's entries on disk. See entry_store.hpp.
#include "cache/entry_store.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/encoding.hpp"

namespace flowlink::cache {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "flowlink-cache";
constexpr std::size_t kMaxHeaderBytes = 512;

std::string header_of(const std::string& version, std::string_view key, std::string_view payload) {
  return fmt::format("{} {} {} {} {} {}\n", kMagic, kCacheFormat, version, key, payload.size(),
                     util::sha256_hex(payload));
}

// Reads at most `limit` bytes of `path`; nullopt when it cannot be read or is larger.
// The size is taken from the opened file: a writer renaming a new entry in
// meanwhile changes nothing for this read.
std::optional<std::string> read_bounded(const fs::path& path, std::uint64_t limit) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  const std::streamoff size = in.tellg();
  if (size < 0 || static_cast<std::uint64_t>(size) > limit) return std::nullopt;
  in.seekg(0);
  std::string data(static_cast<std::size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  data.resize(static_cast<std::size_t>(in.gcount()));
  return data;
}

}  // namespace

std::string this_flowlink() {
  // The version string stays the same across development builds whose
  // planners differ; the executable's size and time tell builds apart.
  static const std::string identity = [] {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return std::string(FLOWLINK_VERSION);
    const auto size = fs::file_size(exe, ec);
    if (ec) return std::string(FLOWLINK_VERSION);
    const auto time = fs::last_write_time(exe, ec);
    if (ec) return std::string(FLOWLINK_VERSION);
    const std::string build = fmt::format("{}:{}:{}", exe.string(), size, time.time_since_epoch().count());
    return fmt::format("{}+{}", FLOWLINK_VERSION, util::sha256_hex(build).substr(0, 12));
  }();
  return identity;
}

fs::path cache_dir_of(const fs::path& work_dir) { return work_dir / ".flowlink" / "cache"; }

EntryStore::EntryStore(StoreOptions options) : options_(std::move(options)) {
  if (options_.flowlink_version.empty()) options_.flowlink_version = this_flowlink();
  for (char& c : options_.flowlink_version)
    if (c == ' ' || c == '\n') c = '_';  // one header field
}

fs::path EntryStore::entry_path(std::string_view kind, std::string_view name) const {
  // Names come from the org (flow ids): hashed, so that no name can reach
  // outside the directory or collide with a temporary file.
  return options_.dir / std::string(kind) / (util::sha256_hex(name).substr(0, 40) + ".entry");
}

std::optional<std::string> EntryStore::read(std::string_view kind, std::string_view name, std::string_view key) {
  const fs::path path = entry_path(kind, name);
  auto data = read_bounded(path, options_.max_bytes + kMaxHeaderBytes);
  if (!data) {
    ++misses_;
    return std::nullopt;
  }
  const std::size_t eol = data->find('\n');
  // magic, format, version, key, size, sha256
  std::vector<std::string_view> fields;
  if (eol != std::string::npos && eol <= kMaxHeaderBytes) {
    std::string_view header(data->data(), eol);
    while (!header.empty()) {
      const auto space = header.find(' ');
      fields.push_back(header.substr(0, space));
      header = space == std::string_view::npos ? std::string_view() : header.substr(space + 1);
    }
  }
  const std::string_view payload = eol == std::string::npos ? std::string_view() : std::string_view(*data).substr(eol + 1);
  const bool whole = fields.size() == 6 && fields[0] == kMagic && fields[1] == std::to_string(kCacheFormat) &&
                     fields[2] == options_.flowlink_version && fields[4] == std::to_string(payload.size()) &&
                     fields[5] == util::sha256_hex(payload);
  if (!whole) {
    ++rejected_;
    return std::nullopt;
  }
  if (fields[3] != key) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  std::error_code ec;
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // recently used: evicted last
  return std::string(payload);
}

bool EntryStore::write(std::string_view kind, std::string_view name, std::string_view key, std::string_view payload) {
  if (payload.size() > options_.max_bytes) {
    ++write_failures_;
    return false;
  }
  const fs::path path = entry_path(kind, name);
  try {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::string data = header_of(options_.flowlink_version, key, payload);
    data.append(payload);
    util::write_file_atomically(path, data, /*fsync=*/false);
    ++writes_;
    return true;
  } catch (const std::exception&) {
    ++write_failures_;
    return false;
  }
}

void EntryStore::enforce_bound() {
  struct Found {
    fs::path path;
    std::uint64_t size;
    fs::file_time_type time;
  };
  std::vector<Found> entries;
  std::uint64_t total = 0;
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  for (fs::recursive_directory_iterator it(options_.dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec)) continue;
    const auto size = it->file_size(entry_ec);
    if (entry_ec) continue;
    const auto time = it->last_write_time(entry_ec);
    if (entry_ec) continue;
    if (util::is_atomic_temp_name(it->path().filename().string())) {
      if (now - time > std::chrono::minutes(1)) fs::remove(it->path(), entry_ec);
      continue;
    }
    entries.push_back({it->path(), size, time});
    total += size;
  }
  if (total <= options_.max_bytes) return;
  std::sort(entries.begin(), entries.end(), [](const Found& a, const Found& b) { return a.time < b.time; });
  for (const auto& entry : entries) {
    if (total <= options_.max_bytes) break;
    std::error_code remove_ec;
    if (fs::remove(entry.path, remove_ec)) ++evicted_;
    total -= entry.size;  // gone, or removed by another run
  }
}

StoreCounters EntryStore::counters() const {
  StoreCounters c;
  c.hits = hits_;
  c.misses = misses_;
  c.rejected = rejected_;
  c.writes = writes_;
  c.write_failures = write_failures_;
  c.evicted = evicted_;
  return c;
}

}  // namespace flowlink::cache
