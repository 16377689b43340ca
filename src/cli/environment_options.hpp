#pragma once
// --env NAME / --env-file PATH on the commands that load manifests, and what
// an environment (manifest/environment.hpp) means for the connection: the
// region to talk to, and the org the credentials must belong to.

#include <CLI/CLI.hpp>

#include "cli/org_connection.hpp"
#include "genesys/flow_api.hpp"
#include "manifest/desired_state.hpp"
#include "manifest/environment.hpp"

namespace flowlink::cli {

// Adds --env and --env-file (mutually exclusive) to `command`.
void add_environment_options(CLI::App* command, manifest::EnvironmentChoice& choice);

// `org` for a run for `desired`'s environment: with no --api-url, the
// environment's region is used when neither --region nor GENESYSCLOUD_REGION
// gives one, and must name the same API as they do when they do. Throws
// std::runtime_error on a disagreement, naming both.
OrgOptions org_for_environment(const OrgOptions& org, const manifest::DesiredState& desired, const Environment& env);

// Throws std::runtime_error when `desired`'s environment is for another org
// than `org` (the credentials' org): before a flow is read.
void check_environment_org(const manifest::DesiredState& desired, const genesys::Organization& org);

}  // namespace flowlink::cli
