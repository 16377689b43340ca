#pragma once
// Environment files: one set of rules, per-org values (as Terraform's
// workspaces and .tfvars, or Kustomize's overlays). An environment file
// declares the org a run is for, module ids to pin there, and the variables
// the manifests' ${var.NAME} take their values from:
//
//   apiVersion: flowlink/v1
//   kind: Environment
//   org:                      # optional, every field optional
//     region: mypurecloud.ie  # used when --region / GENESYSCLOUD_REGION are not given; must agree when they are
//     id: 3b8f...             # the run is refused against any other org
//     name: Acme Prod
//   modules:                  # optional: pin module ids in this org
//     validation: {id: 7d2e...}
//   variables:                # optional: scalars (strings, numbers, true/false)
//     support_queue: Support EU
//     publish: true
//
// Where it is found: `--env NAME` is environments/NAME.yaml (or .yml) in
// the directory of the manifests: the -f directory itself, or the directory
// of a -f file. `--env-file PATH` names the file; the environment's name is
// then the file's name without its extension.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "manifest/desired_state.hpp"
#include "manifest/loader.hpp"
#include "manifest/variables.hpp"

namespace flowlink::manifest {

// Which environment a run is for: by name, or by file (not both).
struct EnvironmentChoice {
  std::string name;  // --env
  std::string file;  // --env-file
  bool empty() const { return name.empty() && file.empty(); }
};

struct ModulePin {
  std::string id;
  SourceLocation location;  // of the module key in the environment file
};

// An environment file, read.
struct EnvironmentFile {
  Environment environment;
  std::map<std::string, ModulePin> pins;  // module key -> pinned id
  Variables variables;
};

// Environment names: a letter or digit, then letters, digits, '_', '-', '.'
// (no path separators: a name never reaches outside environments/).
bool valid_environment_name(const std::string& name);

// The directory an environment's file is looked for in, for these -f paths.
inline constexpr const char* kEnvironmentsDirectory = "environments";

// The environment file for `choice` next to `manifest_paths` (see above), or
// an error: no such environment (with a "did you mean" among the ones that
// exist), or several -f paths with different environments/NAME.yaml.
struct EnvironmentLookup {
  std::string file;
  std::string name;
  std::optional<ManifestError> error;
};
EnvironmentLookup find_environment(const std::vector<std::string>& manifest_paths, const EnvironmentChoice& choice);

// The names of the environments next to `manifest_paths` (sorted, unique).
std::vector<std::string> environment_names(const std::vector<std::string>& manifest_paths);

// Parses an environment file's text; every problem goes to `errors` with
// file:line:col.
EnvironmentFile parse_environment(const std::string& text, const std::string& file, const std::string& name,
                                  std::vector<ManifestError>& errors);

// Why a run for `environment` must not talk to the org the credentials
// belong to (id and name as GET /api/v2/organizations/me says), or nothing.
std::optional<std::string> org_mismatch(const Environment& environment, const std::string& org_id,
                                        const std::string& org_name);

}  // namespace flowlink::manifest
