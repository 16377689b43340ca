// The plan as JUnit XML, for CI test-report views (GitLab, Jenkins, the
// GitHub actions that read JUnit): a suite of flows and a suite of rules.
//   flow: passed; failed (the flow's plan lines as render_text prints them);
//         errored (could not be planned)
//   rule: passed (selects flows, or allowEmpty); failed (selects none)
//   plan: one errored case per plan-wide error
// Every org-supplied string goes through escape_xml; the failure text is
// render_text's, already escaped for a terminal, so only XML's own five
// characters remain to escape in it.
#include <algorithm>

#include <fmt/format.h>

#include "plan/render.hpp"
#include "plan/render_escape.hpp"

namespace flowlink::plan {

namespace {

struct Case {
  std::string classname;  // escaped
  std::string name;       // escaped
  enum class Outcome { Passed, Failed, Errored } outcome = Outcome::Passed;
  std::string message;    // escaped, one line
  std::string text;       // escaped, may span lines
  std::string type = "error";  // the failure's or error's type attribute
};

struct Suite {
  std::string name;
  std::vector<Case> cases;
  int count(Case::Outcome outcome) const {
    int n = 0;
    for (const auto& c : cases) n += c.outcome == outcome;
    return n;
  }
};

bool flow_fails(const FlowPlan& flow, const JunitOptions& options) {
  if (options.drift) return drifted(flow, *options.drift);
  return flow.status() != FlowPlan::Status::NoChange;
}

Case flow_case(const FlowPlan& flow, const JunitOptions& options) {
  Case c;
  c.classname = "flows." + escape_xml(flow.flow_type);
  c.name = fmt::format("{} [{}]", escape_xml(flow.flow_name), escape_xml(flow.flow_id));
  if (flow.status() == FlowPlan::Status::Error) {
    c.outcome = Case::Outcome::Errored;
    c.message = "could not be planned";
    c.text = escape_xml_specials(render_text_flow(flow));
  } else if (flow_fails(flow, options)) {
    c.outcome = Case::Outcome::Failed;
    c.message = fmt::format("{}: {} edit{}, {} finding{}", to_string(flow.status()), flow.edits.size(),
                            flow.edits.size() == 1 ? "" : "s", flow.findings.size(), flow.findings.size() == 1 ? "" : "s");
    c.text = escape_xml_specials(render_text_flow(flow));
    c.type = options.drift ? "drift" : to_string(flow.status());
  }
  return c;
}

void write_suite(std::string& out, const Suite& suite) {
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\">\n",
                     escape_xml_specials(suite.name), suite.cases.size(), suite.count(Case::Outcome::Failed),
                     suite.count(Case::Outcome::Errored));
  for (const auto& c : suite.cases) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", c.classname, c.name);
    switch (c.outcome) {
      case Case::Outcome::Passed: out += "/>\n"; continue;
      case Case::Outcome::Failed:
        out += fmt::format(">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n", c.message, c.type, c.text);
        break;
      case Case::Outcome::Errored:
        out += fmt::format(">\n      <error message=\"{}\" type=\"error\">{}</error>\n", c.message, c.text);
        break;
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n";
}

}  // namespace

std::string render_junit(const Plan& plan, const JunitOptions& options) {
  std::vector<Suite> suites;
  if (!plan.errors.empty()) {
    Suite suite{options.heading + ": plan", {}};
    for (std::size_t i = 0; i < plan.errors.size(); ++i) {
      Case c{"plan", fmt::format("plan-wide error {}", i + 1), Case::Outcome::Errored, escape_xml(plan.errors[i]), {}};
      c.text = c.message;
      suite.cases.push_back(std::move(c));
    }
    suites.push_back(std::move(suite));
  }
  Suite flows{options.heading + ": flows", {}};
  for (const auto& flow : plan.flows) flows.cases.push_back(flow_case(flow, options));
  suites.push_back(std::move(flows));
  Suite rules{options.heading + ": rules", {}};
  const auto empty = plan.empty_rules();
  for (const auto& match : plan.rules) {
    Case c{"rules", "rule " + escape_xml(match.rule), Case::Outcome::Passed, {}, {}};
    if (std::find(empty.begin(), empty.end(), match.rule) != empty.end()) {
      c.outcome = Case::Outcome::Failed;
      c.message = escape_xml(empty_rule_message(match.rule));
      c.text = c.message;
      c.type = "empty_rule";
    }
    rules.cases.push_back(std::move(c));
  }
  suites.push_back(std::move(rules));

  int tests = 0, failures = 0, errors = 0;
  for (const auto& suite : suites) {
    tests += static_cast<int>(suite.cases.size());
    failures += suite.count(Case::Outcome::Failed);
    errors += suite.count(Case::Outcome::Errored);
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", escape_xml_specials(options.heading),
                     tests, failures, errors);
  for (const auto& suite : suites) write_suite(out, suite);
  out += "</testsuites>\n";
  return out;
}

}  // namespace flowlink::plan
