#pragma once
// Helpers shared by the applier's end-to-end tests.

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apply/applier.hpp"
#include "apply/run_history.hpp"
#include "apply/org_fixture.hpp"
#include "source/org_source.hpp"

namespace flowlink::testing {

inline plan::Plan plan_live(OrgFixture& org) {
  return source::plan_org(*org.api, org.desired, org.plan_options(), 4);
}

// Plans as `flowlink plan` / `apply -f` do in a work dir: with what its
// journal remembers of earlier runs (whose lock and draft is whose).
inline plan::Plan plan_with_history(OrgFixture& org) {
  const apply::RunHistory history = apply::RunHistory::load(org.work_dir());
  source::ReadOptions read_options;
  read_options.parallelism = 4;
  read_options.client_id = org.api->client_id();
  read_options.memory = &history;
  return source::plan_org(*org.api, org.desired, org.plan_options(), read_options);
}

inline apply::ApplyOptions apply_options(const OrgFixture& org, std::ostream* progress = nullptr) {
  apply::ApplyOptions options;
  options.work_dir = org.work_dir();
  options.parallelism = 4;
  options.operation_timeout = std::chrono::seconds(20);
  options.plan_options = org.plan_options();
  options.progress = progress;
  options.progress_steps = true;  // tests follow the steps as they happen
  return options;
}

inline const apply::FlowOutcome* outcome_of(const apply::ApplyReport& report, const std::string& flow_id) {
  for (const auto& flow : report.flows)
    if (flow.flow_id == flow_id) return &flow;
  return nullptr;
}

inline int edits_in(const plan::Plan& plan) {
  int n = 0;
  for (const auto& flow : plan.flows) n += static_cast<int>(flow.edits.size());
  return n;
}

// The first flow of the plan that has edits and whose name starts with `prefix`.
inline const plan::FlowPlan& flow_with_edits(const plan::Plan& plan, const std::string& prefix = "") {
  for (const auto& flow : plan.flows)
    if (!flow.edits.empty() && flow.flow_name.rfind(prefix, 0) == 0) return flow;
  FAIL("no flow with edits named " << prefix << "*");
  throw std::logic_error("unreachable");
}

// Every line of the journal, parsed (a line that is not JSON fails the test).
inline std::vector<nlohmann::json> journal_lines(const OrgFixture& org) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(read_text(org.work_dir() / ".flowlink" / "journal.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    INFO("journal line: " << line);
    REQUIRE_FALSE(line.empty());
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    REQUIRE(parsed.is_object());
    lines.push_back(std::move(parsed));
  }
  return lines;
}

// The steps the journal recorded for one flow in one run, in order.
inline std::vector<std::string> journal_steps(const std::vector<nlohmann::json>& lines, const std::string& run,
                                              const std::string& flow_id) {
  std::vector<std::string> steps;
  for (const auto& line : lines)
    if (line.value("run", "") == run && line.value("flow_id", "") == flow_id) steps.push_back(line.at("step"));
  return steps;
}

inline std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// Flow ids that the emulator says are locked.
inline std::vector<std::string> locked_flow_ids(const OrgFixture& org) {
  std::vector<std::string> ids;
  for (const auto& lock : org.control->locks()) ids.push_back(lock.at("flowId"));
  return ids;
}

}  // namespace flowlink::testing
