#pragma once
// `flowlink modules`: impact analysis. Every common module (or --module
// NAME), its published version, and the flows whose published version calls
// it, each current or stale (src/source/module_usage.hpp says how).

#include <ostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/org_connection.hpp"
#include "cli/plan_command.hpp"

namespace flowlink::cli {

struct ModulesCommandOptions {
  std::vector<std::string> manifests;  // -f
  manifest::EnvironmentChoice environment;  // --env / --env-file
  OrgOptions org;
  std::string module;                  // --module: a module's name or a manifest key
  OutputFormat output = OutputFormat::Text;
  bool color = false;
  bool detailed_exitcode = false;      // exit 2 when a consumer the manifest wants current is stale
  int snapshot_requests = 200;         // --snapshot-requests: consumedresources requests at most
};

// Exit codes: 0 the report was made (stale consumers or not, without
// --detailed-exitcode); 2 with --detailed-exitcode when some consumer the
// manifest wants current is stale (plan::ModuleConsumer::must_be_current:
// the flows `plan` would republish); 1 on any
// error: bad manifest, the org cannot be read, --module names no module.
// Errors trump staleness.
int run_modules(const ModulesCommandOptions& options, std::ostream& out, std::ostream& err);

void add_modules_command(CLI::App& app, CliContext& context);  // cmd_modules.cpp

}  // namespace flowlink::cli
