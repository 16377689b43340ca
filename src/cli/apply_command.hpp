#pragma once
// `flowlink apply`: run a saved plan (apply plan.json) or plan and apply
// (apply -f MANIFEST), with confirmation on a terminal.

#include <atomic>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "cli/org_connection.hpp"
#include "manifest/environment.hpp"

namespace flowlink::cli {

struct ApplyCommandOptions {
  std::string plan_file;               // a JSON plan from `plan --out`; empty: plan now from -f
  std::vector<std::string> manifests;  // -f; with a plan file, defaults to the plan's manifest_files
  // --env / --env-file; with a plan file, defaults to the plan's environment
  // file, and must name the plan's environment.
  manifest::EnvironmentChoice environment;
  OrgOptions org;
  bool auto_approve = false;           // no confirmation prompt
  bool force_unlock = false;           // break other people's locks instead of skipping their flows
  std::string work_dir = ".";          // where .flowlink/ (journal, backups) lives
  bool json_output = false;            // the report as JSON on stdout
  bool color = false;
  bool verbose = false;                // every step of every flow on the terminal, not one line per flow
  bool interactive = false;            // stdin is a terminal: may ask for confirmation
  bool progress = false;               // draw progress on stderr while reading (progress_wanted)
  std::string unpublished;             // --unpublished (with -f): overrides the rules' policy
  std::vector<std::string> targets;    // --target (with -f): limit the run to these flows (names or ids)
  int canary = 0;                      // --canary N
  int max_failures = 0;                // --max-failures K
  int batch_size = 0;                  // --batch-size B
  double pause_seconds = 0;            // --pause S (between batches)
  const std::atomic<bool>* cancel = nullptr;  // set on SIGTERM/SIGINT (see main.cpp)
};

// Exit 0 when every flow was applied or already compliant, 1 otherwise
// (a failure, a flow skipped as stale or locked, a plan error, a refusal).
int run_apply(const ApplyCommandOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

// Set by SIGTERM/SIGINT while `flowlink apply` runs.
const std::atomic<bool>& apply_cancel_flag();

}  // namespace flowlink::cli
