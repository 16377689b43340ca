// `flowlink inspect FLOW`: a flow's tasks/states and their actions with names,
// types and trackingIds: what a manifest's `at` can name, without decoding an
// export by hand. From the org or an export directory; text or JSON.
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/org_connection.hpp"
#include "cli/output.hpp"
#include "flowdoc/outline.hpp"
#include "source/find_flow.hpp"
#include "util/terminal_text.hpp"

namespace flowlink::cli {

namespace {

struct InspectCommandOptions {
  std::string flow;        // name or id
  std::string export_dir;  // else the org
  OrgOptions org;
  bool json = false;
  bool no_color = false;  // accepted; nothing coloured
};

// The module an action calls, when it is a common-module call.
std::string called_module(const flowdoc::Outline& outline, const std::string& action_id) {
  for (const auto& call : outline.module_calls)
    if (call.action_id == action_id) return call.module_name;
  return {};
}

// "v3.0 (published) " / "v1.0 (never published: the draft) "; "" for an export file without a version.
std::string version_label(const plan::ObservedFlow& flow) {
  if (flow.version.empty()) return {};
  return "v" + flow.version + (flow.published ? " (published) " : " (never published: the draft) ");
}

std::string render_inspect_text(const plan::ObservedFlow& flow, const flowdoc::Outline& outline) {
  const auto safe = [](const std::string& text) { return util::terminal_safe(text); };
  std::string out = fmt::format("flow {} ({}) {} [{}]\n", safe(flow.name), safe(flow.type), safe(version_label(flow)),
                                safe(flow.id));
  for (const auto& sequence : outline.sequences) {
    out += fmt::format("\n{} '{}'{}  [{}]\n", sequence.type.empty() ? "sequence" : safe(sequence.type),
                       safe(sequence.name), sequence.initial ? " (initial: at: start)" : "", safe(sequence.id));
    if (sequence.actions.empty()) out += "  (no actions)\n";
    for (const auto& action : sequence.actions) {
      const std::string module = called_module(outline, action.id);
      out += fmt::format("  #{:<5} '{}' {}{}  [{}]\n", action.tracking_id, safe(action.name), safe(action.type),
                         module.empty() ? "" : " -> " + safe(module), safe(action.id));
    }
  }
  out += "\nAnchors: at: {task: NAME}, or {after: ...} / {before: ...} with an action's name, "
         "{name: ..., type: ...} or {trackingId: N}.\n";
  return out;
}

std::string render_inspect_json(const plan::ObservedFlow& flow, const flowdoc::Outline& outline) {
  using Json = nlohmann::ordered_json;
  Json sequences = Json::array();
  for (const auto& sequence : outline.sequences) {
    Json actions = Json::array();
    for (const auto& action : sequence.actions) {
      const std::string module = called_module(outline, action.id);
      actions.push_back(Json{{"id", action.id},
                             {"name", action.name},
                             {"type", action.type},
                             {"trackingId", action.tracking_id},
                             {"module", module.empty() ? Json(nullptr) : Json(module)}});
    }
    sequences.push_back(Json{{"id", sequence.id},
                             {"name", sequence.name},
                             {"type", sequence.type},
                             {"initial", sequence.initial},
                             {"actions", std::move(actions)}});
  }
  const Json out{{"flow", Json{{"id", flow.id},
                               {"name", flow.name},
                               {"type", flow.type},
                               {"version", flow.version},
                               {"published", flow.published}}},
                 {"sequences", std::move(sequences)}};
  // Replaced, not refused: a flow name that is not UTF-8 still inspects.
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

int run_inspect(const InspectCommandOptions& options, std::ostream& out, std::ostream& err) {
  return run_guarded(err, [&] {
    if (!options.export_dir.empty() && (!options.org.api_url.empty() || !options.org.region.empty()))
      throw std::runtime_error("give either --export-dir or an org (--region / --api-url), not both");
    plan::ObservedFlow flow;
    if (options.export_dir.empty()) {
      const auto api = connect_to_org(options.org);
      flow = source::find_org_flow(*api, options.flow);
    } else {
      flow = source::find_export_flow(options.export_dir, options.flow);
    }
    const flowdoc::Outline outline = flowdoc::outline(*flow.document);
    out << (options.json ? render_inspect_json(flow, outline) : render_inspect_text(flow, outline));
    return kExitOk;
  });
}

}  // namespace

void add_inspect_command(CLI::App& app, CliContext& context) {
  auto options = std::make_shared<InspectCommandOptions>();
  auto output = std::make_shared<std::string>("text");
  auto* command = app.add_subcommand(
      "inspect", "List a flow's tasks/states and actions (names, types, trackingIds): what a manifest's `at` can name.");
  command->add_option("flow", options->flow, "The flow's name or id")->required();
  command->add_option("--export-dir", options->export_dir, "Read the flow from an export directory instead of the org");
  add_org_options(command, options->org);
  command->add_option("--output", *output, "Output format on stdout: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  // Accepted like every org command's (scripts pass it everywhere); this one prints no colour.
  command->add_flag("--no-color", options->no_color, "No ANSI colours");
  command->footer("Exit codes: 0 shown; 1 no such flow (or several of that name: give the id), unreadable document.");
  command->callback([options, output, &context] {
    options->json = *output == "json";
    context.exit_code = run_inspect(*options, context.out, context.err);
  });
}

}  // namespace flowlink::cli
