#pragma once
// `flowlink validate MANIFEST...`: load manifests, report every error.

#include <ostream>
#include <optional>
#include <string>
#include <vector>

#include "manifest/desired_state.hpp"
#include "manifest/environment.hpp"

namespace flowlink::cli {

struct ValidateCommandOptions {
  std::vector<std::string> manifests;  // files and/or directories
  manifest::EnvironmentChoice environment;  // --env / --env-file
};

// Prints "manifest OK: N modules, M rules (files...)" to `out` and returns 0,
// or every error (file:line:col: key: message) to `err` and returns 1.
// Without --env / --env-file, the manifests are checked for every
// environment beside them (environments/*.yaml), if there are any: a
// variable one of them lacks is found before that environment's run.
int run_validate(const ValidateCommandOptions& options, std::ostream& out, std::ostream& err);

// Loads manifests for a command that needs them: the desired state, or
// nothing after printing every error and a summary line to `err`.
std::optional<manifest::DesiredState> load_manifests_or_report(const std::vector<std::string>& paths,
                                                               std::ostream& err,
                                                               const manifest::EnvironmentChoice& environment = {});

}  // namespace flowlink::cli
