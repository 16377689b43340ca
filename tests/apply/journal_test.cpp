// The journal's lines and the backups' names, with a fixed clock.

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "apply/backup.hpp"
#include "apply/journal.hpp"

using namespace flowlink::apply;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(FLOWLINK_BINARY_DIR) / "apply-tests" / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// 2024-05-01T12:34:56.789Z
std::chrono::system_clock::time_point fixed_time() {
  using namespace std::chrono;
  return system_clock::time_point(seconds(1714566896) + milliseconds(789));
}

}  // namespace

TEST_CASE("UTC timestamps for the journal and for file names") {
  CHECK(iso_utc(fixed_time()) == "2024-05-01T12:34:56.789Z");
  CHECK(compact_utc(fixed_time()) == "20240501T123456.789Z");
}

TEST_CASE("the journal appends one JSON object per line, from several threads") {
  fs::path dir = fresh_dir("journal");
  fs::path file = dir / ".flowlink" / "journal.jsonl";
  {
    Journal journal(file, "run-1", fixed_time);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&journal, t] {
        for (int i = 0; i < 50; ++i)
          journal.record({"flow-" + std::to_string(t), "Flow \"quoted\"\n", "save", "ok", std::to_string(i) + ".0",
                          "line\nbreak \xff"});
      });
    for (auto& thread : threads) thread.join();
    CHECK(journal.write_error().empty());
  }
  {
    Journal again(file, "run-2", fixed_time);  // a second run appends
    again.record({"", "", "run-start", "ok", "", ""});
  }
  std::istringstream in(slurp(file));
  std::string line;
  int count = 0;
  std::map<std::string, int> per_flow;
  while (std::getline(in, line)) {
    auto json = nlohmann::json::parse(line);
    CHECK(json.at("time") == "2024-05-01T12:34:56.789Z");
    if (json.at("run") == "run-1") {
      CHECK(json.at("flow_name") == "Flow \"quoted\"\n");
      ++per_flow[json.at("flow_id")];
    } else {
      CHECK(json.at("step") == "run-start");
      CHECK_FALSE(json.contains("flow_id"));
    }
    ++count;
  }
  CHECK(count == 201);
  CHECK(per_flow.size() == 4);
  for (const auto& [flow, n] : per_flow) CHECK(n == 50);
}

TEST_CASE("backups are named by flow, version and time, and never overwritten") {
  fs::path dir = fresh_dir("backups");
  fs::path first = write_backup(dir, "flow/1", "3.0", fixed_time(), "{\"a\":1}");
  fs::path second = write_backup(dir, "flow/1", "3.0", fixed_time(), "{\"a\":2}");
  fs::path unknown = write_backup(dir, "flow-2", "", fixed_time(), "{}");
  CHECK(first == dir / "backups" / "flow_1" / "3.0-20240501T123456.789Z.json");
  CHECK(second == dir / "backups" / "flow_1" / "3.0-20240501T123456.789Z-2.json");
  CHECK(unknown.filename() == "unknown-20240501T123456.789Z.json");
  CHECK(slurp(first) == "{\"a\":1}");
  CHECK(slurp(second) == "{\"a\":2}");
  // No temporary files are left behind.
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    CHECK(entry.path().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("safe file components keep what is safe and replace the rest") {
  CHECK(safe_file_component("5d0c8e21-0000-4000-8000-000000000c01") == "5d0c8e21-0000-4000-8000-000000000c01");
  CHECK(safe_file_component("../x") == ".._x");
  CHECK(safe_file_component("..") == "_..");
  CHECK(safe_file_component("") == "_");
}
