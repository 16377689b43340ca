// Describing desired state for humans, and selecting flows.

#include <algorithm>

#include "manifest/desired_state.hpp"
#include "manifest/loader.hpp"
#include "util/ascii.hpp"

namespace flowlink::manifest {

namespace {

std::string describe_anchor(const flowdoc::ActionSelector& anchor) {
  // "UpdateVariableAction 'Update Data' #27": each set field, in that order.
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += ' ';
    out += part;
  };
  if (anchor.type) add(*anchor.type);
  if (anchor.name) add("'" + *anchor.name + "'");
  if (anchor.tracking_id) add("#" + std::to_string(*anchor.tracking_id));
  if (out.empty()) out = "(any action)";
  return out;
}


}  // namespace

std::string SourceLocation::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string ManifestError::str() const {
  std::string out = location.str();
  if (!out.empty()) out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

std::string Placement::describe() const {
  switch (kind) {
    case Kind::Start: return "start";
    case Kind::Task: return "task '" + task + "'";
    case Kind::After: return "after " + describe_anchor(anchor);
    case Kind::Before: return "before " + describe_anchor(anchor);
  }
  return "start";
}

// Types compare without case: the API answers "INBOUNDCALL" where manifests
// and queries say "inboundcall".
bool FlowSelector::matches(std::string_view type, std::string_view name) const {
  bool type_ok = std::any_of(types.begin(), types.end(),
                             [&](const std::string& t) { return util::ascii_iequals(t, type); });
  if (!type_ok) return false;
  bool included = std::any_of(include.begin(), include.end(), [&](const NamePattern& p) { return p.matches(name); });
  if (!included) return false;
  return std::none_of(exclude.begin(), exclude.end(),
                      [&](const NamePattern& p) { return !p.judges(name) || p.matches(name); });
}

}  // namespace flowlink::manifest
