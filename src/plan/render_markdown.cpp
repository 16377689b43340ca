// The plan as GitHub-flavoured Markdown, for a pull-request comment: a summary
// table, then one collapsible block per flow that changes or fails.
#include <fmt/format.h>

#include "plan/planner_internal.hpp"
#include "plan/render.hpp"

namespace flowlink::plan {

namespace {

// Names come from the org: they must not break the table (|), open HTML (<, >,
// &) or span lines.
std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '|': out += "\\|"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\n':
      case '\r': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

// A code span that survives backticks inside the text.
std::string code(const std::string& text) {
  std::string escaped = escape(text);
  if (escaped.find('`') == std::string::npos) return "`" + escaped + "`";
  return "`` " + escaped + " ``";
}

std::string value(const std::optional<std::string>& v) { return v ? code(*v) : std::string("*(unset)*"); }

std::string bindings(const flowdoc::Bindings& inputs, const flowdoc::Bindings& outputs) {
  std::string out;
  for (const auto& [name, expression] : inputs) out += fmt::format("  - inputs.{} = {}\n", escape(name), code(expression));
  for (const auto& [name, expression] : outputs)
    out += fmt::format("  - outputs.{} = {}\n", escape(name), code(expression));
  return out;
}

std::string edit_line(const Edit& edit) {
  std::string call = fmt::format("'{}' ({})", escape(edit.action_name), escape(edit.module_name));
  switch (edit.kind) {
    case Edit::Kind::AddCall:
      return fmt::format("- **+ add** call {} {} — {}\n", escape(edit.module_name), escape(edit.position_description),
                         escape(detail::edit_note(edit))) +
             bindings(edit.inputs, edit.outputs);
    case Edit::Kind::UpdateCall: {
      std::string out = fmt::format("- **~ update** call {} {} — {}\n", call, escape(edit.position_description),
                                    escape(detail::edit_note(edit)));
      for (const auto& change : edit.changes)
        out += fmt::format("  - {}: {} → {}\n", escape(change.field), value(change.before), value(change.after));
      return out;
    }
    case Edit::Kind::RemoveCall:
      return fmt::format("- **- remove** call {} {} — {}\n", call, escape(edit.position_description),
                         escape(detail::edit_note(edit)));
    case Edit::Kind::MoveCall:
      return fmt::format("- **> move** call {} to {} — {}\n", call, escape(edit.position_description),
                         escape(detail::edit_note(edit)));
  }
  return {};
}

std::string status_label(FlowPlan::Status status) {
  switch (status) {
    case FlowPlan::Status::NoChange: return "no change";
    case FlowPlan::Status::Change: return "change";
    case FlowPlan::Status::Drift: return "drift";
    case FlowPlan::Status::Error: return "**error**";
  }
  return "?";
}

int count(const FlowPlan& flow, Edit::Kind kind) {
  int n = 0;
  for (const auto& edit : flow.edits) n += edit.kind == kind;
  return n;
}

}  // namespace

std::string render_markdown(const Plan& plan) {
  const PlanSummary s = plan.summary();
  std::string out = "### flowlink plan\n\n";
  if (!plan.source.empty()) out += fmt::format("Source: {}", escape(plan.source));
  if (!plan.manifest_files.empty()) {
    std::vector<std::string> files;
    for (const auto& file : plan.manifest_files) files.push_back(escape(file));
    out += fmt::format("{}Manifest: {}", plan.source.empty() ? "" : " · ", fmt::join(files, ", "));
  }
  if (!plan.source.empty() || !plan.manifest_files.empty()) out += "\n\n";
  out += fmt::format(
      "**Plan:** {} to add, {} to update, {} to remove, {} to move; {} flows to change, {} unchanged, {} with "
      "errors{}.\n\n",
      s.add, s.update, s.remove, s.move, s.to_change, s.unchanged, s.errors,
      s.drift_only ? fmt::format(", {} with findings only", s.drift_only) : "");

  if (!plan.errors.empty()) {
    out += "**Errors:**\n\n";
    for (const auto& error : plan.errors) out += fmt::format("- {}\n", escape(error));
    out += "\n";
  }

  if (plan.flows.empty()) return out + "No flow matches the manifest's rules.\n";

  // A PR comment lists what needs a reviewer's eyes; unchanged flows are counted, not listed.
  if (s.unchanged == static_cast<int>(plan.flows.size()))
    return out + fmt::format("All {} matched flows already call their modules as the manifest says.\n", s.unchanged);
  out += "| Flow | Type | Status | Add | Update | Remove | Move |\n";
  out += "|---|---|---|---:|---:|---:|---:|\n";
  for (const auto& flow : plan.flows)
    if (flow.status() != FlowPlan::Status::NoChange)
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", escape(flow.flow_name), escape(flow.flow_type),
                       status_label(flow.status()), count(flow, Edit::Kind::AddCall), count(flow, Edit::Kind::UpdateCall),
                         count(flow, Edit::Kind::RemoveCall), count(flow, Edit::Kind::MoveCall));
  if (s.unchanged > 0)
    out += fmt::format("\n{} other matched flow{} unchanged.\n", s.unchanged, s.unchanged == 1 ? "" : "s");

  for (const auto& flow : plan.flows) {
    if (flow.status() == FlowPlan::Status::NoChange) continue;
    out += fmt::format("\n<details><summary>{} ({}){} — {}</summary>\n\n", escape(flow.flow_name),
                       escape(flow.flow_type), flow.observed_version.empty() ? "" : " v" + escape(flow.observed_version),
                       status_label(flow.status()));
    for (const auto& edit : flow.edits) out += edit_line(edit);
    for (const auto& finding : flow.findings)
      out += fmt::format("- **! {}** {}\n", to_string(finding.kind), escape(finding.message));
    for (const auto& error : flow.errors) out += fmt::format("- **x error:** {}\n", escape(error));
    out += "\n</details>\n";
  }
  return out;
}

}  // namespace flowlink::plan
