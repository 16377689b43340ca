// `flowlink modules`: who calls which common module, on which version.
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "cli/environment_options.hpp"
#include "cli/modules_command.hpp"
#include "cli/output.hpp"
#include "cli/validate_command.hpp"
#include "plan/module_report.hpp"
#include "source/module_usage.hpp"

namespace flowlink::cli {

namespace {

std::string render(const plan::ModuleReport& report, OutputFormat format, bool color) {
  switch (format) {
    case OutputFormat::Json: return plan::render_module_report_json(report);
    case OutputFormat::Markdown: return plan::render_module_report_markdown(report);
    case OutputFormat::Text: break;
  }
  return plan::render_module_report_text(report, plan::TextStyle{color});
}

}  // namespace

int run_modules(const ModulesCommandOptions& options, std::ostream& out, std::ostream& err) {
  return run_guarded(err, [&] {
    const auto desired = load_manifests_or_report(options.manifests, err, options.environment);
    if (!desired) return kExitError;
    if (options.snapshot_requests < 0) throw std::runtime_error("--snapshot-requests must be 0 or more");
    const auto env = [](const char* name) { return static_cast<const char*>(std::getenv(name)); };
    const OrgOptions org_options = org_for_environment(options.org, *desired, env);
    const auto api = connect_to_org(org_options);
    const genesys::Organization org = api->organization();
    check_environment_org(*desired, org);
    source::ModuleUsageOptions usage;
    usage.parallelism = options.org.parallelism;
    usage.module = options.module;
    usage.max_snapshot_requests = options.snapshot_requests;
    usage.source = describe_org(org_options, env);
    usage.flowlink_version = FLOWLINK_VERSION;
    usage.org_id = org.id;
    usage.org_name = org.name;
    const plan::ModuleReport report = source::gather_module_usage(*api, *desired, usage);
    out << render(report, options.output, options.color);
    out.flush();
    for (const auto& error : report.errors) print_error(err, error);
    if (report.has_errors()) return kExitError;
    const auto summary = report.summary();
    // One line on stderr that a CI log shows whatever --output is.
    err << fmt::format("modules: {} consumer{} of {} module{}: {} stale ({} that must be current)\n", summary.consumers,
                       summary.consumers == 1 ? "" : "s", summary.modules, summary.modules == 1 ? "" : "s",
                       summary.stale, summary.stale_must_be_current);
    return options.detailed_exitcode && report.has_stale_must_be_current() ? kExitChanges : kExitOk;
  });
}

void add_modules_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<ModulesCommandOptions>();
  auto output = std::make_shared<std::string>("text");
  auto no_color = std::make_shared<bool>(false);
  auto* command = app.add_subcommand(
      "modules", "Show every common module's consumers and whether each runs the module's latest published version.");
  command->add_option("-f,--file", options->manifests, "Manifest file or directory (repeatable)")->required();
  add_environment_options(command, options->environment);
  command->add_option("--module", options->module, "Only this common module (its name, or a manifest key)");
  add_org_options(command, options->org);
  command->add_option("--output", *output, "Output format on stdout: text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  command->add_flag("--no-color", *no_color, "No ANSI colours (also when NO_COLOR is set or stdout is not a TTY)");
  command->add_flag("--detailed-exitcode", options->detailed_exitcode,
                    "Exit 2 when a consumer the manifest wants current is stale (a publishing rule selects it and "
                    "ensures the module with current: true)");
  command->add_option("--snapshot-requests", options->snapshot_requests,
                      "At most this many consumedresources requests (one per consumer flow) to learn the module "
                      "version each consumer snapshotted; 0: none (default 200)");
  command->footer(
      "A consumer is stale when its published version's datePublished is earlier than the module's latest\n"
      "publish (see README, `flowlink modules`).\n"
      "Exit codes: 0 report made; 2 with --detailed-exitcode when a consumer the manifest wants current is\n"
      "stale; 1 error (bad manifest, unreadable org, --module naming no module). Errors trump staleness.");
  command->callback([options, output, no_color, &context] {
    options->output = parse_output_format(*output);
    options->color = color_enabled(*no_color);
    context.exit_code = run_modules(*options, context.out, context.err);
  });
}

}  // namespace flowlink::cli
