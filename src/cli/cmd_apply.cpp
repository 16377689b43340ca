// `flowlink apply`: executes a plan with the applier (src/apply), which locks,
// re-reads, refuses stale flows, saves, checks in, publishes and verifies.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <csignal>

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "apply/applier.hpp"
#include "apply/run_history.hpp"
#include "cli/apply_command.hpp"
#include "cli/commands.hpp"
#include "cli/environment_options.hpp"
#include "cli/output.hpp"
#include "cli/plan_command.hpp"
#include "cli/validate_command.hpp"
#include "plan/plan_file.hpp"
#include "plan/render.hpp"
#include "source/org_source.hpp"

namespace flowlink::cli {

namespace {

// A saved plan names the API it was made against (its source): applying it
// through another is refused before anything is sent. (Where it was made
// from and with which manifests is the applier's check: require_plan_applicable.)
void check_plan_source(const plan::Plan& plan, const std::string& org, const std::string& path) {
  if (plan.source != org) {
    throw std::runtime_error(
        fmt::format("plan file '{}' was made against {} but this apply talks to {}", path, plan.source, org));
  }
}

bool confirmed(const ApplyCommandOptions& options, std::istream& in, std::ostream& out) {
  if (options.auto_approve) return true;
  if (!options.interactive) {
    throw std::runtime_error("refusing to apply without confirmation: stdin is not a terminal (use --auto-approve)");
  }
  out << "\nDo you want to apply these changes? Only 'yes' will be accepted: " << std::flush;
  std::string answer;
  std::getline(in, answer);
  return answer == "yes";
}

// The report of an apply with nothing to do, for --output json (no journal
// entry: nothing ran, as in text mode).
apply::ApplyReport unchanged_report(const plan::Plan& plan) {
  apply::ApplyReport report;
  for (const auto& flow : plan.flows) {
    apply::FlowOutcome outcome;
    outcome.flow_id = flow.flow_id;
    outcome.flow_name = flow.flow_name;
    outcome.flow_type = flow.flow_type;
    outcome.version_before = flow.observed_version;
    outcome.status = apply::FlowOutcome::Status::Unchanged;
    report.flows.push_back(std::move(outcome));
  }
  return report;
}

std::atomic<bool> g_cancel{false};

// SIGTERM (a cancelled CI job) or SIGINT (Ctrl-C): ask the applier to stop
// starting flows; a second signal ends the process at once (the next run
// finishes what is left: see the journal and RunHistory).
extern "C" void on_cancel_signal(int signal_number) {
  g_cancel.store(true);
  static const char message[] =
      "\nflowlink: stopping: no new flow starts; flows under way are finished or released (again to abort)\n";
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
  ::signal(signal_number, SIG_DFL);
}

// Installs the handlers for the life of one apply.
class CancelSignals {
 public:
  CancelSignals() {
    struct sigaction action {};
    action.sa_handler = on_cancel_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, &old_term_);
    ::sigaction(SIGINT, &action, &old_int_);
  }
  ~CancelSignals() {
    ::sigaction(SIGTERM, &old_term_, nullptr);
    ::sigaction(SIGINT, &old_int_, nullptr);
  }

 private:
  struct sigaction old_term_ {};
  struct sigaction old_int_ {};
};

}  // namespace

const std::atomic<bool>& apply_cancel_flag() { return g_cancel; }

int run_apply(const ApplyCommandOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  // Progress is drawn while the org is read; the apply itself prints a line
  // per flow (per step with --verbose), which a redrawn line would garble.
  // The summary line ends it.
  RunFeedback feedback(err, options.progress);
  const int code = run_guarded(err, [&]() -> int {
    const auto env = [](const char* name) { return static_cast<const char*>(std::getenv(name)); };

    plan::Plan plan;
    std::vector<std::string> manifests = options.manifests;
    manifest::EnvironmentChoice environment = options.environment;
    if (!options.plan_file.empty()) {
      plan = plan::read_plan_file(options.plan_file);
      if (manifests.empty()) manifests = plan.manifest_files;
      if (environment.empty() && !plan.environment_file.empty()) environment.file = plan.environment_file;
    } else if (manifests.empty()) {
      throw std::runtime_error("apply needs a plan file (from 'flowlink plan --out') or -f MANIFEST");
    }
    auto desired = load_manifests_or_report(manifests, err, environment);
    if (!desired) {
      if (options.manifests.empty() && !options.plan_file.empty())
        print_error(err, fmt::format("these are the manifest paths plan file '{}' recorded, as given to 'flowlink "
                                     "plan': run apply from the directory plan ran in, or pass them with -f",
                                     options.plan_file));
      return kExitError;
    }
    // The environment gives the region when no flag or variable does.
    const OrgOptions org_options = org_for_environment(options.org, *desired, env);
    const std::string org = describe_org(org_options, env);
    // The applier refuses a saved plan made from other manifests (it
    // re-plans and verifies each flow with these); asked here as well so that
    // the refusal comes before anyone is asked to confirm.
    if (!options.plan_file.empty()) {
      apply::require_plan_applicable(plan, *desired, options.plan_file);
      check_plan_source(plan, org, options.plan_file);
    }

    std::shared_ptr<genesys::FlowApi> api = connect_to_org(org_options);
    const Watching watching(&feedback, api.get());
    plan::PlanOptions plan_options;
    plan_options.source = org;
    plan_options.flowlink_version = FLOWLINK_VERSION;
    plan_options.require_published_modules = true;
    if (!options.unpublished.empty()) {
      if (!options.plan_file.empty())
        throw std::runtime_error("--unpublished applies when planning (-f); a saved plan keeps the policy it was made with");
      plan_options.unpublished_override = plan::parse_unpublished_policy(options.unpublished);
      if (!plan_options.unpublished_override)
        throw std::runtime_error(fmt::format("--unpublished must be skip, edit-draft or publish, got '{}'", options.unpublished));
    }

    if (!options.targets.empty() && !options.plan_file.empty())
      throw std::runtime_error("--target applies when planning (-f); a saved plan keeps the targets it was made with");
    plan_options.targets = options.targets;

    std::vector<plan::ObservedFlow> modules;
    std::optional<genesys::Organization> me;  // the org these credentials belong to, once read
    if (options.plan_file.empty()) {
      me = api->organization();
      check_environment_org(*desired, *me);
      plan_options.org_id = me->id;
      plan_options.org_name = me->name;
      const apply::RunHistory history = apply::RunHistory::load(options.work_dir);
      source::ReadOptions read_options;
      read_options.parallelism = options.org.parallelism;
      read_options.client_id = api->client_id();
      read_options.memory = &history;
      read_options.progress = &feedback.counters();
      source::OrgReadResult read;
      plan = source::plan_org(*api, *desired, plan_options, read_options, &read);
      modules = source::modules_of(read.flows);
    }
    feedback.stop_progress();
    feedback.counters().total = plan.flows.size();
    // With --output json stdout carries the JSON report and nothing else, so
    // a pipeline can parse it; what is for people goes to stderr.
    std::ostream& notes = options.json_output ? err : out;
    if (options.plan_file.empty()) {
      notes << plan::render_text(plan, plan::TextStyle{options.color});
    } else {
      // A saved plan was reviewed when it was made: recall it, don't reprint it.
      const auto s = plan.summary();
      notes << fmt::format("Applying the saved plan {} (made against {}): {} to add, {} to update, {} to remove, {} to "
                           "move in {} flow{}.\n",
                           options.plan_file, plan.source, s.add, s.update, s.remove, s.move, s.to_change,
                           s.to_change == 1 ? "" : "s");
    }
    if (plan_has_errors(plan)) {
      print_error(err, "the plan has errors: fix them (or the flows) and plan again; nothing was applied");
      return kExitError;
    }
    // A lock an interrupted run left is given back by the applier even when
    // nothing else is to do: such a plan is not "no changes".
    const bool leftover_locks = std::any_of(plan.flows.begin(), plan.flows.end(), [](const plan::FlowPlan& flow) {
      return flow.lock && flow.lock->flowlink == plan::LockState::Flowlink::InterruptedRun;
    });
    if (!plan.has_changes() && !leftover_locks) {
      const auto held = plan.summary().held;
      if (held == 0) {
        notes << "\nNo changes to apply: every flow already calls its modules as the manifest says.\n";
        if (options.json_output) out << apply::render_apply_json(unchanged_report(plan));
        return kExitOk;
      }
      // Only held flows: nothing to do, but not "all compliant" either.
      notes << fmt::format("\nNothing to apply: {} flow{} held by someone's unpublished draft (see above).\n", held,
                           held == 1 ? "" : "s");
    } else if (!confirmed(options, in, notes)) {
      notes << "Apply cancelled.\n";
      return kExitError;
    }
    apply::ApplyOptions apply_options;
    apply_options.work_dir = options.work_dir;
    apply_options.force_unlock = options.force_unlock;
    apply_options.parallelism = std::min(options.org.parallelism, 8);
    apply_options.plan_options = plan_options;
    // A line per flow as it ends (with --verbose, every step before it);
    // the journal has every step either way.
    apply_options.progress = options.json_output ? &err : &out;
    apply_options.progress_steps = options.verbose;
    apply_options.progress_color = options.color && !options.json_output;
    apply_options.cancel = options.cancel;
    apply_options.rollout.canary = options.canary;
    apply_options.rollout.max_failures = options.max_failures;
    apply_options.rollout.batch_size = options.batch_size;
    apply_options.rollout.pause = std::chrono::milliseconds(static_cast<long long>(options.pause_seconds * 1000));
    apply_options.plan_file = options.plan_file;
    if (options.plan_file.empty()) apply_options.modules = &modules;
    apply_options.org = me;  // a saved plan's: read by the applier, which checks it against the plan's org
    apply_options.counters = &feedback.counters();
    feedback.counters().to_apply = static_cast<std::uint64_t>(
        std::count_if(plan.flows.begin(), plan.flows.end(), [](const plan::FlowPlan& flow) { return flow.actionable(); }));
    const auto report = apply::apply_plan(*api, plan, *desired, apply_options);
    // The flows' lines are printed: the summary follows them.
    out << (options.json_output ? apply::render_apply_json(report) : "\n" + apply::render_apply_summary(report));
    return report.exit_code();
  });
  feedback.finish();
  return code;
}

void add_apply_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<ApplyCommandOptions>();
  auto output = std::make_shared<std::string>("text");
  auto no_color = std::make_shared<bool>(false);
  auto* command = app.add_subcommand("apply", "Apply a saved plan, or plan and apply the manifests, to a live org.");
  command->add_option("plan", options->plan_file, "A JSON plan written by 'flowlink plan --out'");
  command->add_option("-f,--file", options->manifests,
                      "Manifest file or directory (repeatable); with a plan file, defaults to the plan's manifests");
  add_environment_options(command, options->environment);
  add_org_options(command, options->org);
  command->add_flag("--auto-approve", options->auto_approve, "Apply without asking (for CI)");
  command->add_flag("--force-unlock", options->force_unlock,
                    "Break other people's locks on flows to change (default: skip those flows)");
  command->add_option("--work-dir", options->work_dir, "Where .flowlink/ (journal, backups) is kept (default: .)");
  command->add_option("--output", *output, "Report format on stdout: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command->add_flag("--no-color", *no_color, "No ANSI colours (also when NO_COLOR is set or stdout is not a TTY)");
  command->add_flag("--verbose", options->verbose,
                    "Print every step of every flow (lock, re-read, save, check-in, publish, verify), not only a line "
                    "per flow when it is done; the journal (.flowlink/journal.jsonl) has them either way");
  command->add_option("--unpublished", options->unpublished,
                      "With -f: for flows with someone else's unpublished draft, override every rule's policy: skip, "
                      "edit-draft or publish")
      ->check(CLI::IsMember({"skip", "edit-draft", "publish"}));
  command->add_option("--target", options->targets,
                      "With -f: limit the run to this flow, by name or id (repeatable)");
  command->add_option("--canary", options->canary,
                      "Apply to the first N flows, verify them and stop; re-run without it for the rest (exit 0 when "
                      "all N verified)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--max-failures", options->max_failures, "Start no more flows after K failures")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--batch-size", options->batch_size, "Apply in batches of B flows")->check(CLI::NonNegativeNumber);
  command->add_option("--pause", options->pause_seconds, "Seconds to wait between batches")
      ->check(CLI::Range(0.0, 86400.0));
  command->footer(
      "Exit codes: 0 every flow applied or already compliant; 1 a flow failed or was skipped (stale, locked,\n"
      "held by someone's unpublished draft), the plan had errors, or the apply was refused or cancelled\n"
      "(SIGTERM/SIGINT: no new flow starts, flows under way are finished or released, every lock is given back).");
  command->callback([options, output, no_color, &context] {
    options->json_output = *output == "json";
    options->color = color_enabled(*no_color);
    options->interactive = isatty(STDIN_FILENO) != 0;
    options->progress = progress_wanted(context.err);
    options->cancel = &apply_cancel_flag();
    CancelSignals signals;
    context.exit_code = run_apply(*options, std::cin, context.out, context.err);
  });
}

}  // namespace flowlink::cli
