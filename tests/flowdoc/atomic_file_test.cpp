// util/atomic_file: the one whole-file writer (plans, backups, the emulator's org).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

#include "util/atomic_file.hpp"

namespace fs = std::filesystem;

namespace {
std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

TEST_CASE("write_file_atomically writes, replaces, leaves no temporary file, and names the path on failure") {
  const fs::path dir = fs::temp_directory_path() / ("flowlink-atomic-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path path = dir / "plan.json";
  flowlink::util::write_file_atomically(path, "first");
  CHECK(read_text(path) == "first");
  flowlink::util::write_file_atomically(path, "second", false);
  CHECK(read_text(path) == "second");
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    CHECK_FALSE(flowlink::util::is_atomic_temp_name(entry.path().filename().string()));
    ++entries;
  }
  CHECK(entries == 1);
  CHECK_THROWS_WITH_AS(flowlink::util::write_file_atomically(dir / "no/such/dir/plan.json", "x"),
                       doctest::Contains("no/such/dir/plan.json"), std::runtime_error);
  fs::remove_all(dir);
}

TEST_CASE("is_atomic_temp_name recognises only the writer's temporary names") {
  CHECK(flowlink::util::is_atomic_temp_name(".flow.json.tmp.0123456789abcdef"));
  CHECK_FALSE(flowlink::util::is_atomic_temp_name("flow.json"));
  CHECK_FALSE(flowlink::util::is_atomic_temp_name(".hidden"));
  CHECK_FALSE(flowlink::util::is_atomic_temp_name("v1.tmp.json"));
}

TEST_CASE("AtomicFileWriter: nothing at the path until commit; abandoned, the old file stays and no temporary is left") {
  const fs::path dir = fs::temp_directory_path() / ("flowlink-atomic-writer-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path path = dir / "plan.json";
  const auto entries = [&] {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
      (void)entry;
      ++count;
    }
    return count;
  };
  {
    flowlink::util::AtomicFileWriter writer(path);
    writer.stream() << "first " << 1;
    CHECK_FALSE(fs::exists(path));
    writer.commit(false);
  }
  CHECK(read_text(path) == "first 1");
  CHECK(entries() == 1);
  {
    flowlink::util::AtomicFileWriter writer(path);
    writer.stream() << "half a plan";
    // Destroyed without commit: what a run that failed half-way leaves.
  }
  CHECK(read_text(path) == "first 1");
  CHECK(entries() == 1);
  {
    flowlink::util::AtomicFileWriter writer(path);
    writer.stream() << "second";
    writer.commit();
    CHECK_THROWS_AS(writer.commit(), std::logic_error);
  }
  CHECK(read_text(path) == "second");
  CHECK(entries() == 1);
  CHECK_THROWS_WITH_AS(flowlink::util::AtomicFileWriter(dir / "no/such/dir/plan.json"),
                       doctest::Contains("no/such/dir/plan.json"), std::runtime_error);
  fs::remove_all(dir);
}

TEST_CASE("AtomicFileWriter: a write that fails (disk full) fails the commit, naming the path") {
  // A full disk makes the stream go bad on some write; such a stream is
  // never renamed into place, and its temporary file goes.
  const fs::path dir = fs::temp_directory_path() / ("flowlink-atomic-full-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path path = dir / "plan.json";
  {
    flowlink::util::AtomicFileWriter writer(path);
    writer.stream() << "text";
    writer.stream().setstate(std::ios::badbit);
    CHECK_THROWS_WITH_AS(writer.commit(), doctest::Contains("plan.json"), std::runtime_error);
  }
  CHECK_FALSE(fs::exists(path));
  CHECK(fs::is_empty(dir));
  fs::remove_all(dir);
}
