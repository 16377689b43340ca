// Reading a saved plan file: the round trip, and files that are not plans
// (not JSON, nested 100,000 deep) refused with an error naming the file.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "plan/plan_file.hpp"
#include "plan/render.hpp"

using namespace flowlink::plan;
namespace fs = std::filesystem;

namespace {

fs::path write_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::path(FLOWLINK_BINARY_DIR) / "plan-tests" / std::to_string(::getpid());
  fs::create_directories(dir);
  const fs::path path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

TEST_CASE("read_plan_file reads back a plan render_json wrote") {
  Plan plan;
  plan.source = "https://api.example.test";
  plan.manifest_fingerprint = std::string(64, 'f');
  plan.manifest_files = {"flowlink.yaml"};
  const fs::path path = write_file("saved.json", render_json(plan));
  CHECK(render_json(read_plan_file(path)) == render_json(plan));
}

TEST_CASE("a plan file nested 100,000 deep, or not JSON, or missing, is an error naming the file") {
  const fs::path deep = write_file("deep.json", std::string(100000, '[') + std::string(100000, ']'));
  CHECK_THROWS_WITH_AS(read_plan_file(deep),
                       doctest::Contains(("plan file '" + deep.string() + "': JSON nested deeper than 512 levels").c_str()),
                       std::runtime_error);
  const fs::path garbage = write_file("garbage.json", "{\"flows\": [");
  CHECK_THROWS_WITH_AS(read_plan_file(garbage), doctest::Contains(("plan file '" + garbage.string() + "' is not JSON").c_str()),
                       std::runtime_error);
  const fs::path huge = write_file("huge.json", "{\"format_version\": 1e400}");
  CHECK_THROWS_WITH_AS(read_plan_file(huge), doctest::Contains(("plan file '" + huge.string() + "' is not JSON").c_str()),
                       std::runtime_error);
  const fs::path not_a_plan = write_file("array.json", "[1, 2, 3]");
  CHECK_THROWS_WITH_AS(read_plan_file(not_a_plan), doctest::Contains(("plan file '" + not_a_plan.string() + "'").c_str()),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(read_plan_file("/nonexistent/plan.json"),
                       doctest::Contains("cannot read plan file '/nonexistent/plan.json'"), std::runtime_error);
}
