#pragma once
// Every YAML document of a text, as yaml-cpp's YAML::LoadAll gives them, but
// always finishing. yaml-cpp 0.7 (Debian 12) loops forever on a token that
// cannot start a node, such as a stray ',': each round adds an empty
// document without consuming the token, so memory grows until the process
// dies (jbeder/yaml-cpp#1040, fixed upstream after 0.8). Found by
// fuzz/fuzz_manifest. Internal to src/manifest.

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace flowlink::manifest::detail {

// Throws YAML::ParserException at the stuck token ("unexpected ','") instead
// of looping, and whatever YAML::LoadAll throws for other syntax errors.
std::vector<YAML::Node> load_all_documents(const std::string& text);

}  // namespace flowlink::manifest::detail
