// The cache of repeat runs and the run feedback through the commands, against
// the emulated org: a warm drift costs the listing and two requests, the
// summary line ends stderr, and stdout carries only the rendered result.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli/org_cli_support.hpp"
#include "cli/output.hpp"

using namespace flowlink::cli;
using namespace flowlink::cli::test;

namespace {

int total_requests(CliOrg& cli) {
  const auto requests = cli.org.control->requests();
  cli.org.control->clear_requests();
  return requests.at("total").get<int>();
}
int listing_pages(const nlohmann::json& requests) {
  const auto& by = requests.at("by_endpoint");
  return by.contains("GET /api/v2/flows") ? by["GET /api/v2/flows"].get<int>() : 0;
}

}  // namespace

TEST_CASE("org: a second drift reads only the listing (+ token and org), says so, and keeps stdout clean") {
  CliOrg cli("cli-cache-drift");
  const std::vector<std::string> args = {"-f", cli.manifest, "--work-dir", cli.work_dir(), "--output", "json"};
  cli.org.control->clear_requests();

  const Run cold = cli.flowlink("drift", args);
  INFO("cold stderr: " << cold.err);
  CHECK(cold.code == kExitChanges);
  const auto cold_plan = nlohmann::json::parse(cold.out);  // stdout is the JSON and nothing else
  const int flows = static_cast<int>(cold_plan.at("flows").size());
  CHECK(cold_plan["summary"]["cache_hits"] == 0);
  const std::string cold_summary = run_summary_line(cold.err);
  CHECK(cold_summary.rfind("flowlink: " + std::to_string(flows) + " flows, ", 0) == 0);
  CHECK(cold_summary.find(", 0 cache hits, ") != std::string::npos);
  CHECK(total_requests(cli) > flows);
  CHECK(fs::exists(cli.org.work_dir() / ".flowlink" / "cache"));

  const Run warm = cli.flowlink("drift", args);
  INFO("warm stderr: " << warm.err);
  CHECK(warm.code == kExitChanges);
  const auto warm_plan = nlohmann::json::parse(warm.out);
  CHECK(warm_plan["summary"]["cache_hits"] == flows);
  auto without_hits = [](nlohmann::json plan) {
    plan["summary"].erase("cache_hits");
    return plan;
  };
  CHECK(without_hits(warm_plan) == without_hits(cold_plan));
  const auto requests = cli.org.control->requests();
  cli.org.control->clear_requests();
  INFO(requests.dump());
  CHECK(requests.at("total").get<int>() <= listing_pages(requests) + 2);
  const std::string warm_summary = run_summary_line(warm.err);
  CHECK(warm_summary.find(", " + std::to_string(flows) + " cache hits, ") != std::string::npos);
  CHECK(warm_summary.find(" " + std::to_string(requests.at("total").get<int>()) + " requests") !=
        std::string::npos);  // the client's own count agrees with the emulator's
  // No progress drawing off a terminal: no carriage return, no escape sequence.
  for (const auto& run : {cold, warm}) {
    CHECK(run.both().find('\r') == std::string::npos);
    CHECK(run.both().find('\x1b') == std::string::npos);
  }

  // Text output says how many flows came from the cache.
  const Run text = cli.flowlink("plan", {"-f", cli.manifest, "--work-dir", cli.work_dir()});
  CHECK(text.out.find(std::to_string(flows) + " of " + std::to_string(flows) + " flows planned from the cache") !=
        std::string::npos);
}

TEST_CASE("org: --no-cache reads every document and neither uses nor fills the cache") {
  CliOrg cli("cli-no-cache");
  const std::vector<std::string> args = {"-f", cli.manifest, "--work-dir", cli.work_dir(), "--no-cache"};
  cli.org.control->clear_requests();
  const Run first = cli.flowlink("plan", args);
  CHECK(first.code == kExitOk);
  const int first_requests = total_requests(cli);
  const Run second = cli.flowlink("plan", args);
  CHECK(second.code == kExitOk);
  CHECK(total_requests(cli) == first_requests);
  CHECK(first_requests > 10);
  CHECK_FALSE(fs::exists(cli.org.work_dir() / ".flowlink" / "cache"));
  CHECK(second.out.find("from the cache") == std::string::npos);
  CHECK(run_summary_line(second.err).find(", 0 cache hits, ") != std::string::npos);
}
