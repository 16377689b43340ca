#pragma once
// YAML manifest -> validated DesiredState, or every error found, each naming
// file:line:col, the key path, and what was expected.

#include <cstddef>
#include <string>
#include <vector>

#include "manifest/desired_state.hpp"

namespace flowlink::manifest {

struct EnvironmentChoice;  // environment.hpp

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

// A manifest file larger than this is refused unread (yaml-cpp needs a
// couple of hundred bytes of memory per byte of a dense YAML list).
inline constexpr std::size_t kMaxManifestBytes = 1024 * 1024;

// Loads one file, or every *.yaml / *.yml file of a directory (sorted by
// name), merged into one desired state. Module keys and rule names must be
// unique across files. Each file must be a regular file of at most
// kMaxManifestBytes of UTF-8 text; one reached by several paths (symbolic
// links, `a/../a/x.yaml`, hard links) is read once, at its first path. In a
// directory, a *.yaml / *.yml entry that is a dangling or looping symbolic
// link, a device, a FIFO or a socket is an error naming it; subdirectories
// are not read.
LoadResult load_manifest(const std::vector<std::string>& paths);

// The same, for an environment (environment.hpp; none when `environment` is
// empty): its variables fill the manifests' ${var.NAME}, its module pins set
// the modules' ids, and the state records it (DesiredState::environment; the
// fingerprint covers the environment file too). A problem in the environment
// file is an error like the manifests' (and the manifests are then not
// read); so is a variable it declares that no manifest uses, a module pin
// for a module no manifest defines or that a manifest already pins.
LoadResult load_manifest(const std::vector<std::string>& paths, const EnvironmentChoice& environment);

// Parses manifest text (for tests and stdin); `file` names it in errors.
// The same size and UTF-8 rules apply.
LoadResult parse_manifest(const std::string& text, const std::string& file);

// Manifest text for the environment file text `environment_text`, whose name
// is `environment_file`'s without the extension (for tests).
LoadResult parse_manifest(const std::string& text, const std::string& file, const std::string& environment_text,
                          const std::string& environment_file);

}  // namespace flowlink::manifest
