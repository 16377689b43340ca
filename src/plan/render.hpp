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

// Reads a plan written by render_json. Throws std::runtime_error naming the
// field on a malformed plan or an unsupported format_version.
Plan plan_from_json(const nlohmann::ordered_json& json);

}  // namespace flowlink::plan
