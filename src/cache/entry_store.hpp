#pragma once
// The cache of repeat runs on disk (<work dir>/.flowlink/cache/): entries of
// bytes, each filed under a kind ("flows", "modules") and a name (a flow id)
// and stamped with the key it was computed for. What goes into a key, and
// what a payload means, is the caller's business (source/cached_plan); this
// store guarantees only that what it hands back is exactly what was written
// for that key, by this flowlink, in this cache format:
//
// - An entry is one file: a header line (format, flowlink version, key,
//   payload size and SHA-256) and the payload. A read checks all of them; a
//   corrupt, truncated or foreign entry is a miss (counted as rejected),
//   never an error and never trusted.
// - Writes are atomic (util::write_file_atomically, no fsync: an entry lost
//   in a power cut is only a miss), so runs sharing the cache never see a
//   torn entry; the last writer of a name wins.
// - A size bound: enforce_bound() deletes the least recently used entries
//   (a hit refreshes an entry's time) until the total fits, and what crashed
//   writers left behind.
// Nothing here throws for the disk's sake: a cache that cannot be read or
// written makes a run slower, not wrong.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace flowlink::cache {

// Bump when the entry layout or what callers put in keys or payloads changes:
// entries of another format are misses.
inline constexpr int kCacheFormat = 1;

inline constexpr std::uint64_t kDefaultMaxBytes = 256ull * 1024 * 1024;

// Who writes entries: FLOWLINK_VERSION and this executable's build (its
// path, size and time), so that neither another release nor another build
// of the same version trusts an entry.
std::string this_flowlink();

// The cache directory of a work dir: <work dir>/.flowlink/cache.
std::filesystem::path cache_dir_of(const std::filesystem::path& work_dir);

struct StoreOptions {
  std::filesystem::path dir;                // created on the first write
  std::uint64_t max_bytes = kDefaultMaxBytes;  // enforce_bound()'s limit; an entry larger is not written
  std::string flowlink_version;             // "" means this_flowlink() (tests pass another)
};

struct StoreCounters {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;    // no entry, or one for another key
  std::uint64_t rejected = 0;  // an entry that was corrupt, truncated, or by another flowlink or format
  std::uint64_t writes = 0;
  std::uint64_t write_failures = 0;
  std::uint64_t evicted = 0;   // entries enforce_bound() deleted
};

class EntryStore {
 public:
  explicit EntryStore(StoreOptions options);

  // The payload stored under (kind, name) when the entry is whole and was
  // written for `key` by this flowlink in this format; else nullopt.
  // Thread-safe.
  std::optional<std::string> read(std::string_view kind, std::string_view name, std::string_view key);
  // Stores `payload` for `key` under (kind, name), replacing what was there.
  // False when the disk refused (counted; never throws). Thread-safe.
  bool write(std::string_view kind, std::string_view name, std::string_view key, std::string_view payload);
  // Deletes least recently used entries until the total size is at most
  // max_bytes, and temporary files older than a minute (a crashed writer's).
  void enforce_bound();

  // The file an entry lives in (tests corrupt it on purpose).
  std::filesystem::path entry_path(std::string_view kind, std::string_view name) const;
  StoreCounters counters() const;
  const StoreOptions& options() const { return options_; }

 private:
  StoreOptions options_;
  std::atomic<std::uint64_t> hits_{0}, misses_{0}, rejected_{0}, writes_{0}, write_failures_{0}, evicted_{0};
};

}  // namespace flowlink::cache
