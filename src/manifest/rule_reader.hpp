#pragma once
// Reading one rule (flows selector, ensure, remove, publish) from YAML.
// Internal to src/manifest.

#include <optional>
#include <string>
#include <vector>

#include "manifest/desired_state.hpp"
#include "manifest/yaml_reader.hpp"

namespace flowlink::manifest::detail {

// A use of a module key, checked against the defined modules once every file
// has been read (modules may live in another file of the directory).
struct ModuleReference {
  std::string key;
  SourceLocation location;  // of the key's value
  std::string path;         // e.g. rules[0].ensure[1].module
};

// The Genesys flow types a rule may target (lowercase): every flow type but
// common modules (genesys/vocabulary.hpp).
const std::vector<std::string>& target_flow_types();

// Reads rules[i]; records every problem with `reader`. Returns nothing only if
// the item is not a map at all.
std::optional<Rule> read_rule(YamlReader& reader, const YamlReader::Item& item,
                              std::vector<ModuleReference>& references);

}  // namespace flowlink::manifest::detail
