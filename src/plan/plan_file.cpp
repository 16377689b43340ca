// Reading a saved plan file (see plan_file.hpp).
#include "plan/plan_file.hpp"

#include <fstream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "plan/render.hpp"
#include "util/json_depth.hpp"

namespace flowlink::plan {

Plan read_plan_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(fmt::format("cannot read plan file '{}'", name));
  // Read in blocks up to the bound: a FIFO or /dev/zero has no size to ask.
  std::string text;
  char block[1 << 16];
  while (file.read(block, sizeof block) || file.gcount() > 0) {
    text.append(block, static_cast<std::size_t>(file.gcount()));
    if (text.size() > kMaxPlanFileBytes)
      throw std::runtime_error(fmt::format("plan file '{}' is larger than {} MB: not a plan flowlink wrote", name,
                                           kMaxPlanFileBytes >> 20));
  }
  nlohmann::ordered_json json;
  try {
    json = util::parse_json_bounded<nlohmann::ordered_json>(text, fmt::format("plan file '{}'", name));
  } catch (const nlohmann::json::exception& e) {  // also out_of_range (1e400); util::JsonTooDeep names the file already
    throw std::runtime_error(fmt::format("plan file '{}' is not JSON: {}", name, e.what()));
  }
  try {
    return plan_from_json(json);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("plan file '{}': {}", name, e.what()));
  }
}

}  // namespace flowlink::plan
