// The cache's entries on disk: what is handed back is exactly what was
// written for that key by this flowlink; everything else is a miss.

#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "cache/entry_store.hpp"

using namespace flowlink;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(FLOWLINK_BINARY_DIR) / "cache-tests" / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

cache::EntryStore store_in(const fs::path& dir, std::uint64_t max_bytes = cache::kDefaultMaxBytes,
                           const std::string& version = "") {
  cache::StoreOptions options;
  options.dir = dir / "cache";
  options.max_bytes = max_bytes;
  options.flowlink_version = version;
  return cache::EntryStore(options);
}

std::string file_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void put_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::uint64_t total_size(const fs::path& dir) {
  std::uint64_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) total += entry.file_size();
  return total;
}

}  // namespace

TEST_CASE("an entry comes back only for the key it was written for") {
  const auto dir = fresh_dir("roundtrip");
  auto store = store_in(dir);
  CHECK_FALSE(store.read("flows", "flow-1", "key-a"));  // nothing yet
  REQUIRE(store.write("flows", "flow-1", "key-a", "payload with\nnewlines and \0 bytes"));
  auto back = store.read("flows", "flow-1", "key-a");
  REQUIRE(back);
  CHECK(*back == std::string("payload with\nnewlines and \0 bytes"));
  CHECK_FALSE(store.read("flows", "flow-1", "key-b"));    // the flow changed: another key
  CHECK_FALSE(store.read("modules", "flow-1", "key-a"));  // kinds are apart
  CHECK_FALSE(store.read("flows", "flow-2", "key-a"));
  // The last writer of a name wins.
  REQUIRE(store.write("flows", "flow-1", "key-b", "second"));
  CHECK_FALSE(store.read("flows", "flow-1", "key-a"));
  CHECK(store.read("flows", "flow-1", "key-b") == std::optional<std::string>("second"));
  const auto counters = store.counters();
  CHECK(counters.hits == 2);
  CHECK(counters.writes == 2);
  CHECK(counters.rejected == 0);
}

TEST_CASE("names from the org cannot reach outside the cache directory") {
  const auto dir = fresh_dir("names");
  auto store = store_in(dir);
  REQUIRE(store.write("flows", "../../escape", "k", "x"));
  const fs::path path = store.entry_path("flows", "../../escape");
  CHECK(path.parent_path() == dir / "cache" / "flows");
  CHECK(fs::exists(path));
  CHECK(store.read("flows", "../../escape", "k") == std::optional<std::string>("x"));
}

TEST_CASE("a truncated, corrupt or garbage entry is a miss, never trusted") {
  const auto dir = fresh_dir("corrupt");
  auto store = store_in(dir);
  const std::string payload(4000, 'p');
  for (const char* name : {"truncated", "flipped", "garbage", "empty", "header-only", "longer"})
    REQUIRE(store.write("flows", name, "k", payload));
  const std::string whole = file_text(store.entry_path("flows", "truncated"));

  put_text(store.entry_path("flows", "truncated"), whole.substr(0, whole.size() - 10));
  std::string flipped = whole;
  flipped[flipped.size() - 100] = 'q';
  put_text(store.entry_path("flows", "flipped"), flipped);
  put_text(store.entry_path("flows", "garbage"), "{\"not\": \"an entry\"}");
  put_text(store.entry_path("flows", "empty"), "");
  put_text(store.entry_path("flows", "header-only"), whole.substr(0, whole.find('\n') + 1));
  put_text(store.entry_path("flows", "longer"), whole + "extra");

  for (const char* name : {"truncated", "flipped", "garbage", "empty", "header-only", "longer"}) {
    INFO(name);
    CHECK_FALSE(store.read("flows", name, "k"));
  }
  CHECK(store.counters().rejected == 6);
  CHECK(store.counters().hits == 0);
}

TEST_CASE("an entry written by another flowlink version is a miss") {
  const auto dir = fresh_dir("version");
  auto older = store_in(dir, cache::kDefaultMaxBytes, "0.0.1-older");
  REQUIRE(older.write("flows", "flow-1", "k", "from the older flowlink"));
  CHECK(older.read("flows", "flow-1", "k"));  // its own writer trusts it

  auto current = store_in(dir);
  CHECK_FALSE(current.read("flows", "flow-1", "k"));
  CHECK(current.counters().rejected == 1);
  // Another cache format is refused the same way.
  std::string text = file_text(current.entry_path("flows", "flow-1"));
  const std::string marker = "flowlink-cache " + std::to_string(cache::kCacheFormat) + " ";
  REQUIRE(text.rfind(marker, 0) == 0);
  REQUIRE(current.write("flows", "flow-2", "k", "x"));
  text = file_text(current.entry_path("flows", "flow-2"));
  text.replace(0, marker.size(), "flowlink-cache " + std::to_string(cache::kCacheFormat + 1) + " ");
  put_text(current.entry_path("flows", "flow-2"), text);
  CHECK_FALSE(current.read("flows", "flow-2", "k"));
}

TEST_CASE("the size bound evicts the least recently used entries and crashed writers' leftovers") {
  const auto dir = fresh_dir("bound");
  const std::string payload(1000, 'x');
  auto unbounded = store_in(dir);
  for (const char* name : {"a", "b", "c", "d"}) REQUIRE(unbounded.write("flows", name, "k", payload));
  const std::uint64_t entry_size = fs::file_size(unbounded.entry_path("flows", "a"));
  // Ages set by hand (file times are too coarse to order four quick writes).
  const auto now = fs::file_time_type::clock::now();
  int age = 4;
  for (const char* name : {"a", "b", "c", "d"})
    fs::last_write_time(unbounded.entry_path("flows", name), now - std::chrono::hours(age--));
  const fs::path leftover = dir / "cache" / "flows" / ".x.entry.tmp.0123456789abcdef";
  put_text(leftover, "half an entry");
  fs::last_write_time(leftover, now - std::chrono::hours(1));

  auto bounded = store_in(dir, 2 * entry_size + entry_size / 2);
  CHECK(bounded.read("flows", "a", "k"));  // the oldest, but just used
  bounded.enforce_bound();
  CHECK(total_size(dir / "cache") <= 2 * entry_size + entry_size / 2);
  CHECK_FALSE(fs::exists(leftover));
  CHECK(fs::exists(bounded.entry_path("flows", "a")));
  CHECK(fs::exists(bounded.entry_path("flows", "d")));
  CHECK_FALSE(fs::exists(bounded.entry_path("flows", "b")));
  CHECK_FALSE(fs::exists(bounded.entry_path("flows", "c")));
  CHECK(bounded.counters().evicted == 2);
  // An entry larger than the bound is not written at all.
  CHECK_FALSE(bounded.write("flows", "huge", "k", std::string(3 * entry_size, 'h')));
  CHECK_FALSE(fs::exists(bounded.entry_path("flows", "huge")));
}

TEST_CASE("a cache that cannot be written is only slower: no throw") {
  const auto dir = fresh_dir("unwritable");
  put_text(dir / "cache", "a file where the directory should be");
  auto store = store_in(dir);
  CHECK_FALSE(store.write("flows", "flow-1", "k", "x"));
  CHECK_FALSE(store.read("flows", "flow-1", "k"));
  CHECK_NOTHROW(store.enforce_bound());
  CHECK(store.counters().write_failures == 1);
}

TEST_CASE("runs sharing the cache never read a torn entry") {
  const auto dir = fresh_dir("shared");
  // Two stores on one directory stand for two processes; each payload is
  // derived from its key, so a reader can tell a whole entry from a mix.
  auto payload_for = [](int key) { return std::string(20000 + key * 1000, static_cast<char>('a' + key)); };
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, seen{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      auto store = store_in(dir);
      for (int i = 0; i < 300; ++i) {
        const int key = (i + w) % 5;
        store.write("flows", "shared", std::to_string(key), payload_for(key));
      }
    });
  }
  threads.emplace_back([&] {
    auto store = store_in(dir);
    while (!stop) {
      for (int key = 0; key < 5; ++key) {
        if (auto got = store.read("flows", "shared", std::to_string(key))) {
          ++seen;
          if (*got != payload_for(key)) ++bad;
        }
      }
    }
    if (store.counters().rejected != 0) ++bad;
  });
  threads[0].join();
  threads[1].join();
  stop = true;
  threads[2].join();
  CHECK(bad == 0);
  CHECK(seen > 0);
}
