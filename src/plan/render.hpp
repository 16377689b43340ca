#pragma once
// Renderers for a Plan: text like `terraform plan`, JSON per
// schemas/plan.schema.json, Markdown for a pull-request comment, JUnit XML for
// CI test reports. Org-supplied text goes through render_escape.hpp. And the JSON
// reader, so `flowlink apply plan.json` runs a saved plan.

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "plan/plan.hpp"
#include "plan/plan_sink.hpp"

namespace flowlink::plan {

// The first line of a rendered plan: which command made it ("flowlink plan",
// "flowlink drift").
inline constexpr const char* kPlanHeading = "flowlink plan";
inline constexpr const char* kDriftHeading = "flowlink drift";

struct TextStyle {
  bool color = false;  // ANSI colours: on a TTY and NO_COLOR unset (decided by the CLI)
  std::string heading = kPlanHeading;
};

// GitHub refuses a comment over 65,536 characters; the default leaves room
// for what a pipeline adds around the plan.
inline constexpr std::size_t kDefaultMarkdownBudget = 65'000;
// Below this the summary and the closing line alone may not fit.
inline constexpr std::size_t kMinimumMarkdownBudget = 2'000;

struct MarkdownOptions {
  std::string heading = kPlanHeading;
  // At most this many bytes (so at most this many characters): the heading,
  // summary, rules and errors, then table rows, then each flow's details, as
  // long as whole elements fit; then "N more flows: see the plan artifact".
  // Every listed flow is in the table or counted in that line. Raised to
  // kMinimumMarkdownBudget if lower.
  std::size_t max_chars = kDefaultMarkdownBudget;
};

// JUnit XML for CI test-report views: one test case per flow (passed; failed
// with the flow's plan lines as the failure text; errored when it could not
// be planned), one per rule (failed when it selects no flow and does not
// allow it), and an errored "plan" case per plan-wide error.
struct JunitOptions {
  std::string heading = kPlanHeading;  // the test suites' name
  // Set (drift): a flow fails when drifted(flow, *drift). Unset (plan): a
  // flow fails when its status is anything but NoChange.
  std::optional<DriftCheck> drift;
};

// The text of a plan written as it is made: a flow's lines as the flow
// arrives, the rules' counts and the summary at the end. Byte for byte
// render_text's.
class TextPlanWriter final : public PlanSink {
 public:
  TextPlanWriter(const TextStyle& style, std::ostream& out);
  void begin(const PlanHead& head) override;
  void flow(const FlowPlan& flow) override;
  void end(const PlanHead& head, const PlanTally& tally) override;

 private:
  TextStyle style_;
  std::ostream& out_;
  bool any_flow_ = false;
};

// The JSON of a plan written as it is made: the head, each flow as it
// arrives, "summary" last. Byte for byte render_json's.
class JsonPlanWriter final : public PlanSink {
 public:
  explicit JsonPlanWriter(std::ostream& out) : out_(out) {}
  void begin(const PlanHead& head) override;
  void flow(const FlowPlan& flow) override;
  void end(const PlanHead& head, const PlanTally& tally) override;

 private:
  std::ostream& out_;
  bool any_flow_ = false;
};

std::string render_text(const Plan& plan, const TextStyle& style);
// render_text(plan, style) written to `out` a flow at a time, never whole.
void write_text(const Plan& plan, const TextStyle& style, std::ostream& out);
// One flow's lines as render_text prints them, without colour.
std::string render_text_flow(const FlowPlan& flow);
std::string render_markdown(const Plan& plan, const MarkdownOptions& options = {});
std::string render_junit(const Plan& plan, const JunitOptions& options = {});
nlohmann::ordered_json to_json(const Plan& plan);
std::string render_json(const Plan& plan);  // to_json(plan).dump(2) + "\n"
// render_json(plan) written to `out` one flow at a time: the plan is never
// whole as a tree (~6 KB a flow) nor as text.
void write_json(const Plan& plan, std::ostream& out);

// Reads a plan written by render_json: everything apply acts on (action,
// basis, fingerprints, the draft's version and fingerprint, publish) comes back
// exactly, so that to_json(plan_from_json(j)) == j. Throws std::runtime_error
// naming the field on a malformed plan, on a draft basis or action without a
// draft, on a status its content contradicts, and on a format_version other
// than kFormatVersion (an older one: "plan again").
Plan plan_from_json(const nlohmann::ordered_json& json);

// One flow's plan as it stands in a plan's "flows", and back (with the same
// checks): what the cache of repeat runs keeps per flow.
nlohmann::ordered_json flow_to_json(const FlowPlan& flow);
FlowPlan flow_from_json(const nlohmann::ordered_json& json);

}  // namespace flowlink::plan
