#pragma once
// `flowlink plan`: manifests + observed flows -> a rendered plan and an exit code.

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/org_connection.hpp"
#include "cli/output.hpp"
#include "cli/run_feedback.hpp"
#include "genesys/flow_api.hpp"
#include "manifest/desired_state.hpp"
#include "manifest/environment.hpp"
#include "plan/plan.hpp"
#include "plan/planner.hpp"
#include "plan/render.hpp"

namespace flowlink::cli {

enum class OutputFormat { Text, Json, Markdown, Junit };

// "text" | "json" | "markdown" | "junit"; throws std::invalid_argument otherwise.
OutputFormat parse_output_format(const std::string& name);

struct PlanCommandOptions {
  std::vector<std::string> manifests;  // -f, files and/or directories
  manifest::EnvironmentChoice environment;  // --env / --env-file
  std::string export_dir;              // --export-dir: plan against an export instead of an org
  OrgOptions org;                      // otherwise: the live org to read
  OutputFormat output = OutputFormat::Text;
  std::string out_path;                // --out: also write the JSON plan here (atomically)
  bool detailed_exitcode = false;      // exit 2 when there are changes
  bool color = false;                  // resolved by the caller (output.hpp color_enabled)
  std::string work_dir = ".";          // --work-dir: whose journal tells flowlink's own drafts and locks
  std::string unpublished;             // --unpublished: overrides the rules' policy ("" keeps them)
  std::string check = "published";     // drift --check: published, draft or both
  bool no_cache = false;               // --no-cache: read every document, neither use nor fill the cache
  int cache_max_mb = 256;              // --cache-max-mb: the cache's size bound
  bool progress = false;               // draw progress on stderr (resolved by the caller: progress_wanted)
  bool drift = false;                  // the drift command: headed "flowlink drift", JUnit judged by --check
  std::size_t max_chars = plan::kDefaultMarkdownBudget;  // --max-chars (Markdown)
  std::vector<std::string> targets;    // --target: limit the run to these flows (names or ids)
};

// The plan for `options`, given to `sink` as it is made: of the export
// directory when given, else of the live org (only the flows and modules
// `desired` needs), through the work dir's cache of repeat runs unless
// --no-cache. Throws std::runtime_error / genesys::ApiError naming what
// failed. `feedback` (optional) is told the client and counts the flows.
void plan_into(const PlanCommandOptions& options, const manifest::DesiredState& desired, RunFeedback* feedback,
               plan::PlanSink& sink);

// How a plan is shown on stdout.
struct PlanView {
  OutputFormat format = OutputFormat::Text;
  bool color = false;
  std::string heading = plan::kPlanHeading;
  std::size_t max_chars = plan::kDefaultMarkdownBudget;  // Markdown
  std::optional<plan::DriftCheck> drift;                  // JUnit: judge flows as drift does
};

// Writes the plan to `out` as `view` says; text and JSON a flow at a time
// (plan::write_text, plan::write_json).
void write_plan(const plan::Plan& plan, const PlanView& view, std::ostream& out);

using ReadCommandRunner = int (*)(const PlanCommandOptions&, std::ostream& out, std::ostream& err);

// Adds a command that reads flows and renders a plan (plan, drift): -f,
// --env, --env-file, --export-dir, the org options, --output, --out and --no-color, resolved into
// `options` before `run` is called. Returns the command for its own extras.
CLI::App* add_read_command(CLI::App& app, CliContext& context, const std::string& name,
                           const std::string& description, std::shared_ptr<PlanCommandOptions> options,
                           ReadCommandRunner run);

// Loads the manifests, reads the observed flows, plans, writes --out, renders
// to `out` and reports errors to `err`; nothing when the manifests are broken
// (their errors printed). What plan and drift share.
// Text and JSON are written to `out` (and --out) a flow at a time as the plan
// is made; Markdown, JUnit, and a plan for a terminal with a progress line
// are rendered once it is whole, after the progress line is cleared. --out
// is renamed into place only when the plan is complete.
std::optional<PlanOutcome> plan_and_render(const PlanCommandOptions& options, std::ostream& out, std::ostream& err,
                                           RunFeedback* feedback = nullptr);

// Loads the manifests, reads the observed flows, plans, writes --out, renders
// to `out`. Exit code per output.hpp: 0 no changes, 2 changes (only with
// detailed_exitcode), 1 on any error — errors trump changes.
int run_plan(const PlanCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace flowlink::cli
