// `flowlink plan`: what would change, as text, JSON or Markdown.
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/environment_options.hpp"
#include "cli/output.hpp"
#include "cli/plan_command.hpp"
#include "cli/validate_command.hpp"
#include "apply/run_history.hpp"
#include "plan/render.hpp"
#include "source/export_dir.hpp"
#include "source/org_source.hpp"
#include "util/atomic_file.hpp"
#include "util/terminal_text.hpp"

namespace flowlink::cli {

OutputFormat parse_output_format(const std::string& name) {
  if (name == "text") return OutputFormat::Text;
  if (name == "json") return OutputFormat::Json;
  if (name == "markdown") return OutputFormat::Markdown;
  if (name == "junit") return OutputFormat::Junit;
  throw std::invalid_argument(fmt::format("unknown output format '{}' (expected text, json, markdown or junit)", name));
}

void plan_into(const PlanCommandOptions& options, const manifest::DesiredState& desired, RunFeedback* feedback,
               plan::PlanSink& sink) {
  plan::PlanOptions plan_options;
  plan_options.flowlink_version = FLOWLINK_VERSION;
  plan_options.targets = options.targets;
  if (!options.export_dir.empty() && (!options.org.api_url.empty() || !options.org.region.empty())) {
    throw std::runtime_error("give either --export-dir or an org (--region / --api-url), not both");
  }
  if (!options.unpublished.empty()) {
    plan_options.unpublished_override = plan::parse_unpublished_policy(options.unpublished);
    if (!plan_options.unpublished_override)
      throw std::runtime_error(fmt::format("--unpublished must be skip, edit-draft or publish, got '{}'", options.unpublished));
  }
  if (options.export_dir.empty()) {
    const auto env = [](const char* name) { return static_cast<const char*>(std::getenv(name)); };
    const OrgOptions org_options = org_for_environment(options.org, desired, env);
    const auto api = connect_to_org(org_options);
    const Watching watching(feedback, api.get());
    const genesys::Organization org = api->organization();
    check_environment_org(desired, org);
    plan_options.org_id = org.id;
    plan_options.org_name = org.name;
    plan_options.source = describe_org(org_options, env);
    plan_options.require_published_modules = true;
    const apply::RunHistory history = apply::RunHistory::load(options.work_dir);
    source::ReadOptions read_options;
    read_options.parallelism = options.org.parallelism;
    read_options.client_id = api->client_id();
    read_options.memory = &history;
    read_options.targets = options.targets;
    if (feedback) read_options.progress = &feedback->counters();
    std::optional<cache::EntryStore> cache;
    if (!options.no_cache) {
      cache::StoreOptions cache_options;
      cache_options.dir = cache::cache_dir_of(options.work_dir);
      cache_options.max_bytes = static_cast<std::uint64_t>(options.cache_max_mb) * 1024 * 1024;
      cache.emplace(cache_options);
      read_options.cache = &*cache;
    }
    source::plan_org(*api, desired, plan_options, read_options, sink);
    return;
  }
  // An export has no notion of publishing: modules need not be published.
  plan_options.source = "export-dir " + options.export_dir;
  plan_options.require_published_modules = false;
  source::ExportPlanOptions read_options;
  if (feedback) read_options.progress = &feedback->counters();
  plan::feed(source::plan_export_dir(options.export_dir, desired, plan_options, read_options), sink);
}

void write_plan(const plan::Plan& plan, const PlanView& view, std::ostream& out) {
  switch (view.format) {
    case OutputFormat::Json: plan::write_json(plan, out); return;
    case OutputFormat::Markdown: {
      plan::MarkdownOptions options;
      options.heading = view.heading;
      options.max_chars = view.max_chars;
      out << plan::render_markdown(plan, options);
      return;
    }
    case OutputFormat::Junit: out << plan::render_junit(plan, plan::JunitOptions{view.heading, view.drift}); return;
    case OutputFormat::Text: break;
  }
  plan::write_text(plan, plan::TextStyle{view.color, view.heading}, out);
}

namespace {

// The errors again on stderr, so they are seen whatever --output goes to stdout.
void report_plan_errors(const PlanOutcome& outcome, std::ostream& err) {
  for (const auto& error : outcome.head.errors) print_error(err, error);
  const auto& failed = outcome.tally.failed;
  if (!failed.empty()) {
    print_error(err, fmt::format("{} flow{} could not be planned: {}", failed.size(), failed.size() == 1 ? "" : "s",
                                 fmt::join(failed, ", ")));
  }
}

// Keeps what the command needs once the flows are written: the head and the tally.
class OutcomeSink final : public plan::PlanSink {
 public:
  void begin(const plan::PlanHead&) override {}
  void flow(const plan::FlowPlan&) override {}
  void end(const plan::PlanHead& head, const plan::PlanTally& tally) override {
    outcome_.head = head;
    outcome_.tally = tally;
  }
  PlanOutcome& outcome() { return outcome_; }

 private:
  PlanOutcome outcome_;
};

}  // namespace

std::optional<PlanOutcome> plan_and_render(const PlanCommandOptions& options, std::ostream& out, std::ostream& err,
                                           RunFeedback* feedback) {
  auto desired = load_manifests_or_report(options.manifests, err, options.environment);
  if (!desired) return std::nullopt;
  PlanView view{options.output, options.color, plan::kPlanHeading, options.max_chars, std::nullopt};
  if (options.drift) {
    view.heading = plan::kDriftHeading;
    view.drift = plan::parse_drift_check(options.check);
  }
  // Text and JSON are written as the plan is made, a flow at a time, so that
  // a plan of thousands of flows never stands whole in memory. Markdown and
  // JUnit open with counts: they are rendered from the whole plan. So is a
  // plan for a terminal that the progress line is drawn on too.
  const bool as_made = (view.format == OutputFormat::Text || view.format == OutputFormat::Json) &&
                       !(options.progress && stdout_is_terminal());
  std::vector<plan::PlanSink*> sinks;
  OutcomeSink outcome;
  sinks.push_back(&outcome);
  std::optional<util::AtomicFileWriter> out_file;
  std::optional<plan::JsonPlanWriter> out_file_writer;
  if (!options.out_path.empty()) {
    out_file.emplace(options.out_path);
    sinks.push_back(&out_file_writer.emplace(out_file->stream()));
  }
  std::optional<plan::TextPlanWriter> text_writer;
  std::optional<plan::JsonPlanWriter> json_writer;
  plan::PlanCollector whole;
  if (!as_made) {
    sinks.push_back(&whole);
  } else if (view.format == OutputFormat::Json) {
    sinks.push_back(&json_writer.emplace(out));
  } else {
    sinks.push_back(&text_writer.emplace(plan::TextStyle{view.color, view.heading}, out));
  }
  plan::PlanTee tee(std::move(sinks));
  plan_into(options, *desired, feedback, tee);
  if (feedback) feedback->stop_progress();
  // Complete, or not at all: an error on the way left the file as it was.
  if (out_file) out_file->commit();
  if (!as_made) write_plan(whole.plan(), view, out);
  out.flush();
  if (plan_has_errors(outcome.outcome())) report_plan_errors(outcome.outcome(), err);
  return std::move(outcome.outcome());
}

int run_plan(const PlanCommandOptions& options, std::ostream& out, std::ostream& err) {
  RunFeedback feedback(err, options.progress);
  return run_guarded(err, [&] {
    const auto outcome = plan_and_render(options, out, err, &feedback);
    feedback.finish();
    if (!outcome) return kExitError;
    // A warning, not an error: the plan is complete, but a typo must not pass unseen.
    for (const auto& rule : outcome->head.empty_rules())
      err << "flowlink: warning: " << util::terminal_safe(plan::empty_rule_message(rule)) << "\n";
    return plan_exit_code(*outcome, options.detailed_exitcode);
  });
}

CLI::App* add_read_command(CLI::App& app, CliContext& context, const std::string& name,
                           const std::string& description, std::shared_ptr<PlanCommandOptions> options,
                           ReadCommandRunner run) {
  auto output = std::make_shared<std::string>("text");
  auto no_color = std::make_shared<bool>(false);
  auto* command = app.add_subcommand(name, description);
  command->add_option("-f,--file", options->manifests, "Manifest file or directory (repeatable)")->required();
  add_environment_options(command, options->environment);
  command->add_option("--export-dir", options->export_dir,
                      "Read an export directory (*.json, *.i3*Flow, *.i3CommonModule, org.json) "
                      "instead of a live org");
  add_org_options(command, options->org);
  command->add_option("--output", *output, "Output format on stdout: text, json, markdown or junit")
      ->check(CLI::IsMember({"text", "json", "markdown", "junit"}));
  command->add_option("--max-chars", options->max_chars,
                      "Markdown: at most this many characters; flows past it are counted and left to the plan "
                      "artifact (default 65000, for a GitHub comment)")
      ->check(CLI::Range(plan::kMinimumMarkdownBudget, std::size_t{100'000'000}));
  command->add_option("--out", options->out_path, "Also write the JSON plan to this file (for apply)");
  command->add_option("--target", options->targets,
                      "Limit the run to this flow, by name or id (repeatable); recorded in the plan");
  command->add_flag("--no-color", *no_color, "No ANSI colours (also when NO_COLOR is set or stdout is not a TTY)");
  command->add_option("--work-dir", options->work_dir,
                      "Where .flowlink/ is kept: its journal tells flowlink's own drafts and locks (default: .)");
  command->add_flag("--no-cache", options->no_cache,
                   "Read every flow's documents; neither use nor fill the cache of repeat runs (.flowlink/cache/)");
  command->add_option("--cache-max-mb", options->cache_max_mb,
                      "Size bound of the cache of repeat runs; the least recently used entries go first (default 256)")
      ->check(CLI::Range(1, 1 << 20));
  command->add_option("--unpublished", options->unpublished,
                      "For flows with someone else's unpublished draft, override every rule's policy: skip, "
                      "edit-draft or publish")
      ->check(CLI::IsMember({"skip", "edit-draft", "publish"}));
  command->callback([options, output, no_color, run, &context] {
    options->output = parse_output_format(*output);
    options->color = color_enabled(*no_color);
    options->progress = progress_wanted(context.err);
    context.exit_code = run(*options, context.out, context.err);
  });
  return command;
}

void add_plan_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<PlanCommandOptions>();
  auto* command = add_read_command(app, context, "plan",
                                   "Show which flows would change, and how, to match the manifests.", options, run_plan);
  command->add_flag("--detailed-exitcode", options->detailed_exitcode, "Exit 2 when there are changes");
  command->footer(
      "Exit codes: 0 no changes (or changes without --detailed-exitcode), 2 changes with --detailed-exitcode,\n"
      "1 any error: bad manifest, unreadable source, a flow that could not be planned, a plan-wide error.\n"
      "Errors trump changes: a plan with both exits 1.");
}

}  // namespace flowlink::cli
