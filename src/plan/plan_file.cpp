// See plan_file.hpp.
#include "plan/plan_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "plan/render.hpp"
#include "util/json_depth.hpp"

namespace flowlink::plan {

Plan read_plan_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(fmt::format("cannot read plan file '{}'", path));
  std::stringstream text;
  text << file.rdbuf();
  nlohmann::ordered_json json;
  try {
    util::require_json_depth(text.str(), fmt::format("plan file '{}'", path));
    json = nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(fmt::format("plan file '{}' is not JSON: {}", path, e.what()));
  }
  try {
    return plan_from_json(json);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("plan file '{}': {}", path, e.what()));
  }
}

}  // namespace flowlink::plan
