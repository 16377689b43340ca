#pragma once
// YAML manifest -> validated DesiredState, or every error found, each naming
// file:line:col, the key path, and what was expected.

#include <string>
#include <vector>

#include "manifest/desired_state.hpp"

namespace flowlink::manifest {

struct ManifestError {
  SourceLocation location;
  std::string key_path;  // e.g. "rules[0].ensure[1].at"
  std::string message;   // what is wrong and what was expected
  std::string str() const;  // "file:line:col: rules[0].ensure[1].at: message"
};

struct LoadResult {
  DesiredState state;
  std::vector<ManifestError> errors;
  bool ok() const { return errors.empty(); }
};

// Loads one file, or every *.yaml / *.yml file of a directory (sorted by
// name), merged into one desired state. Module keys and rule names must be
// unique across files.
LoadResult load_manifest(const std::vector<std::string>& paths);

// Parses manifest text (for tests and stdin); `file` names it in errors.
LoadResult parse_manifest(const std::string& text, const std::string& file);

}  // namespace flowlink::manifest
