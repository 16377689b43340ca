#pragma once
// Renderers for a Plan: text like `terraform plan`, JSON per
// schemas/plan.schema.json, Markdown for a pull-request comment. And the JSON
// reader, so `flowlink apply plan.json` runs a saved plan.

#include <string>

#include <nlohmann/json.hpp>

#include "plan/plan.hpp"

namespace flowlink::plan {

struct TextStyle {
  bool color = false;  // ANSI colours: on a TTY and NO_COLOR unset (decided by the CLI)
};

std::string render_text(const Plan& plan, const TextStyle& style);
std::string render_markdown(const Plan& plan);
nlohmann::ordered_json to_json(const Plan& plan);
std::string render_json(const Plan& plan);  // to_json(plan).dump(2) + "\n"

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
