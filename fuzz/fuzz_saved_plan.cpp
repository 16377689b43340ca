// The saved-plan reader: what `flowlink apply plan.json` does with the file
// (src/cli/cmd_apply.cpp read_plan_file: JSON parse, then
// plan::plan_from_json), followed by every renderer. A malformed plan must be
// refused with an exception naming the field, never crash; a plan that reads
// must render, and written out and read again must give the same JSON.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include <nlohmann/json.hpp>

#include "plan/render.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowlink::plan;
  const std::string text(reinterpret_cast<const char*>(data), size);
  nlohmann::ordered_json json;
  try {
    json = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error&) {
    return 0;
  }
  Plan plan;
  try {
    plan = plan_from_json(json);
  } catch (const std::exception&) {
    return 0;
  }
  render_text(plan, TextStyle{});
  render_text(plan, TextStyle{true});
  render_markdown(plan);
  const nlohmann::ordered_json written = to_json(plan);
  // What apply reads back from its own writing is what it wrote.
  if (to_json(plan_from_json(written)) != written) __builtin_trap();
  return 0;
}
