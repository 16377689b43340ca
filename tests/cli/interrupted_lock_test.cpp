// An interrupted run's lock on a flow with nothing to apply is still given back by apply -f.
#include <doctest/doctest.h>
#include "apply/journal.hpp"
#include "cli/org_cli_support.hpp"
#include "cli/output.hpp"

using namespace flowlink;
using namespace flowlink::cli;
using namespace flowlink::cli::test;

TEST_CASE("apply -f gives back an interrupted run's lock even when nothing else is to do") {
  CliOrg cli("repro-c", flowlink::testing::kChatManifest);
  REQUIRE(cli.apply_auto().code == kExitOk);
  const std::string id = cli.flow_id("Chat_Support_Web");
  // Alice checks in a compliant draft (a description edit), unpublished.
  auto document = nlohmann::ordered_json::parse(cli.org.api->latest_configuration(id));
  document["description"] = "alice";
  cli.org.control->act_as("alice", "save", id, document.dump());
  cli.org.control->act_as("alice", "checkin", id);
  cli.wait_until_unlocked(id);
  // A flowlink run checked the flow out, then was killed.
  {
    apply::Journal journal(cli.org.work_dir() / ".flowlink" / "journal.jsonl", "20260101T000000.000Z-dead03", {});
    journal.record({id, "Chat_Support_Web", "checkout", "started"});
  }
  cli.org.api->checkout(id);
  const Run drift1 = cli.flowlink("drift", {"-f", cli.manifest, "--work-dir", cli.work_dir()});
  CHECK(drift1.code == kExitChanges);  // flowlink's own unfinished work is drift
  const Run applied = cli.apply_auto();
  CHECK(applied.code == kExitOk);
  CHECK(cli.org.control->locks().empty());
  const Run drift2 = cli.flowlink("drift", {"-f", cli.manifest, "--work-dir", cli.work_dir()});
  CHECK(drift2.code == kExitOk);
}
