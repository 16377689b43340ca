// Seeding an org from configuration documents and Architect export files,
// keeping flow identity so module calls still resolve.
#include <doctest/doctest.h>

#include <regex>

#include "flowdoc/document.hpp"
#include "support.hpp"
#include "util/encoding.hpp"

using namespace emutest;
using flowlink::emulator::Emulator;

namespace {

const std::string kStaleModuleId = "01d00000-0000-4000-8000-000000000000";
const std::string kJobId = "10b00000-0000-4000-8000-000000000001";
const std::string kWipId = "10b00000-0000-4000-8000-000000000002";

// dir/a: an export file for a module (no org.json: derived id) and a consumer
// document that calls it by a stale id. dir/b: org.json with explicit ids.
void write_seed(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "a");
  std::filesystem::create_directories(dir / "b");
  write_text(dir / "a" / "Module_A.i3CommonModule",
             flowlink::flowdoc::encode_architect_export(module_doc("Module A").dump()));
  write_text(dir / "a" / "line.json", consumer_doc("Line", "inboundcall", {{kStaleModuleId, "Module A"}}).dump(2));
  write_text(dir / "a" / "notes.json", R"({"just":"some other file"})");
  write_text(dir / "b" / "job.json", consumer_doc("Job", "workflow", {{kStaleModuleId, "Module A"}}).dump());
  write_text(dir / "b" / "wip.json", consumer_doc("wip doc name", "inboundcall", {}).dump());
  write_text(dir / "b" / "org.json", R"([
    {"file":"job.json","id":"10b00000-0000-4000-8000-000000000001","name":"Job","type":"WORKFLOW","published":true},
    {"file":"wip.json","id":"10b00000-0000-4000-8000-000000000002","name":"Work In Progress","type":"INBOUNDCALL","published":false}
  ])");
}

flowlink::emulator::EmulatorOptions seeded(const std::filesystem::path& state, const std::filesystem::path& seed) {
  auto options = options_for(state);
  options.seed_dirs = {(seed / "a").string(), (seed / "b").string()};
  return options;
}

Json flow_named(Client& c, const std::string& name) {
  Json listing = c.api("GET", "/api/v2/flows?name=" + flowlink::util::url_encode(name)).json();
  REQUIRE(listing["total"] == 1);
  return listing["entities"][0];
}

}  // namespace

TEST_CASE("seeding keeps identities and re-points module calls by name") {
  TempDir dir;
  write_seed(dir.path / "seed");
  Emulator emulator(seeded(dir.path / "state", dir.path / "seed"));
  emulator.start();
  Client c(emulator.base_url());
  c.login();

  CHECK(c.api("GET", "/api/v2/flows").json()["total"] == 4);  // notes.json is not a flow
  const Json module = flow_named(c, "Module A");
  const std::string module_id = module["id"];
  CHECK(std::regex_match(module_id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  CHECK(module["type"] == "COMMONMODULE");
  CHECK(module["publishedVersion"]["id"] == "1.0");

  // The consumer's call and manifest now name the seeded module's id.
  const Json line = flow_named(c, "Line");
  Json doc = c.api("GET", "/api/v2/flows/" + line["id"].get<std::string>() + "/latestconfiguration").json();
  CHECK(doc["flowSequenceItemList"][0]["actionList"][0]["flowId"] == module_id);
  CHECK(doc["manifest"]["commonModuleFlow"][0]["id"] == module_id);

  // org.json gives ids, names and the published flag.
  Json job = c.api("GET", "/api/v2/flows/" + kJobId).json();
  CHECK(job["name"] == "Job");
  CHECK(job["type"] == "WORKFLOW");
  Json wip = c.api("GET", "/api/v2/flows/" + kWipId).json();
  CHECK(wip["name"] == "Work In Progress");
  CHECK(wip["checkedInVersion"]["id"] == "1.0");
  CHECK_FALSE(wip.contains("publishedVersion"));
  CHECK_FALSE(wip.contains("lockedClient"));

  // Dependency tracking sees both consumers, with the module version they snapshotted.
  Json consumers = c.api("GET", "/api/v2/architect/dependencytracking/consumingresources?objectType=COMMONMODULEFLOW&id=" +
                                    module_id + "&flowFilter=published")
                       .json();
  CHECK(consumers["total"] == 2);
  Json consumed = c.api("GET", "/api/v2/architect/dependencytracking/consumedresources?objectType=WORKFLOW&version=1.0&id=" +
                                   kJobId)
                      .json();
  CHECK(consumed["entities"][0]["id"] == module_id);
  CHECK(consumed["entities"][0]["version"] == "1.0");

  // The unedited export decodes to the document it encodes.
  CHECK(c.api("GET", "/api/v2/flows/" + module_id + "/latestconfiguration").json() == module_doc("Module A"));
}

TEST_CASE("derived ids are deterministic, and a restart does not seed again") {
  TempDir dir;
  write_seed(dir.path / "seed");
  std::string first_id;
  {
    Emulator emulator(seeded(dir.path / "state1", dir.path / "seed"));
    emulator.start();
    Client c(emulator.base_url());
    c.login();
    first_id = flow_named(c, "Module A")["id"];
    REQUIRE(c.api("DELETE", "/api/v2/flows/" + kJobId).status == 200);
  }
  {
    Emulator emulator(seeded(dir.path / "state2", dir.path / "seed"));
    emulator.start();
    Client c(emulator.base_url());
    c.login();
    CHECK(flow_named(c, "Module A")["id"] == first_id);
  }
  Emulator emulator(seeded(dir.path / "state1", dir.path / "seed"));
  emulator.start();
  Client c(emulator.base_url());
  c.login();
  CHECK(c.api("GET", "/api/v2/flows/" + kJobId).status == 404);  // the deletion survived; no reseed
  CHECK(c.api("GET", "/api/v2/flows").json()["total"] == 3);
}

TEST_CASE("a broken seed file stops the start with its name") {
  TempDir dir;
  std::filesystem::create_directories(dir.path / "seed");
  write_text(dir.path / "seed" / "Broken.i3InboundFlow", "%%% not base64 %%%");
  auto options = options_for(dir.path / "state");
  options.seed_dirs = {(dir.path / "seed").string()};
  Emulator emulator(options);
  try {
    emulator.start();
    FAIL("start() should have thrown");
  } catch (const std::exception& e) {
    CHECK(std::string(e.what()).find("Broken.i3InboundFlow") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(dir.path / "state" / "flows"));  // nothing half-seeded
}
