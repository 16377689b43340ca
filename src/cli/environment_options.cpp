#include "cli/environment_options.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace flowlink::cli {

void add_environment_options(CLI::App* command, manifest::EnvironmentChoice& choice) {
  auto* name = command->add_option(
      "--env", choice.name,
      "Environment: environments/NAME.yaml beside the manifests (org, module pins, variables for ${var.NAME})");
  auto* file = command->add_option("--env-file", choice.file,
                                   "Environment file to use instead of --env NAME (its name: the file's, without "
                                   "extension)");
  name->excludes(file);
}

OrgOptions org_for_environment(const OrgOptions& org, const manifest::DesiredState& desired, const Environment& env) {
  OrgOptions out = org;
  if (!desired.environment || desired.environment->region.empty() || !org.api_url.empty()) return out;
  const manifest::Environment& environment = *desired.environment;
  const char* from_env = env("GENESYSCLOUD_REGION");
  const std::string given = !org.region.empty() ? org.region : from_env ? std::string(from_env) : std::string();
  if (given.empty()) {
    out.region = environment.region;
    return out;
  }
  // Compared by the API they name, so that equivalent spellings agree.
  if (genesys::region_urls(given).first != genesys::region_urls(environment.region).first) {
    throw std::runtime_error(fmt::format(
        "environment '{}' ({}) is in region {}, but {} says {}; drop one, or make them agree", environment.name,
        environment.file, environment.region, org.region.empty() ? "GENESYSCLOUD_REGION" : "--region", given));
  }
  return out;
}

void check_environment_org(const manifest::DesiredState& desired, const genesys::Organization& org) {
  if (!desired.environment) return;
  if (auto mismatch = manifest::org_mismatch(*desired.environment, org.id, org.name))
    throw std::runtime_error(*mismatch + "; nothing was read or changed");
}

}  // namespace flowlink::cli
