// The plan as GitHub-flavoured Markdown, for a pull-request comment: a summary
// table, then one collapsible block per flow to review (changes, is held by
// someone's unpublished draft, drifts, fails, or carries a note), with its
// lifecycle (published version, draft, lock) when read from an org, and the
// modules it runs an old snapshot of (republished).
#include <algorithm>

#include <fmt/format.h>

#include "plan/planner_internal.hpp"
#include "plan/render.hpp"
#include "plan/render_lifecycle.hpp"

namespace flowlink::plan {

namespace {

// Names come from the org: they must not break the table (|), open HTML (<, >,
// &) or span lines.
std::string escape(std::string_view text) {
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
std::string code(std::string_view text) {
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

// "- **^ republish:** calls M from before its publish of DATE (module v3.0); published DATE — rule 'r': current"
std::string stale_item(const StaleModule& stale) {
  return fmt::format("- **{} {}** {} — {}\n", render_detail::kStaleSymbol, render_detail::kStaleLead,
                     render_detail::stale_line(stale, escape), render_detail::stale_note(stale, escape));
}

std::string status_label(FlowPlan::Status status) {
  switch (status) {
    case FlowPlan::Status::NoChange: return "no change";
    case FlowPlan::Status::Change: return "change";
    case FlowPlan::Status::Held: return "held";
    case FlowPlan::Status::Drift: return "drift";
    case FlowPlan::Status::Error: return "**error**";
  }
  return "?";
}

std::string indented(const std::string& lines) {
  std::string out;
  std::size_t start = 0;
  while (start < lines.size()) {
    std::size_t end = lines.find('\n', start);
    end = end == std::string::npos ? lines.size() : end + 1;
    out += "  " + lines.substr(start, end - start);
    start = end;
  }
  return out;
}

// "✗ v3.0 / ✓ v4.0 by Alice · locked by Bob": the table's lifecycle cell.
std::string lifecycle_cell(const FlowPlan& flow) {
  auto mark = [](const VersionJudgement& v) { return std::string(v.complies ? "✓" : "✗"); };
  auto version = [](const std::string& v) { return v.empty() ? std::string("?") : "v" + escape(v); };
  std::string out;
  if (flow.published)
    out = mark(*flow.published) + " " + version(flow.published->version);
  else
    out = flow.draft ? "none" : "—";
  if (flow.draft) {
    const DraftState& draft = *flow.draft;
    out += " / " + mark(draft) + " " + version(draft.version) + " by " +
           (draft.flowlink ? std::string("flowlink") : render_detail::owner_name(draft.owner, escape));
  }
  if (flow.lock) {
    const LockState& lock = *flow.lock;
    const bool ours = lock.flowlink == LockState::Flowlink::InterruptedRun || lock.flowlink == LockState::Flowlink::RunningRun;
    out += " · locked by " + (ours ? std::string("flowlink") : render_detail::owner_name(lock.holder, escape));
  }
  return out;
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
  if (!plan.org_name.empty() || !plan.org_id.empty())
    out += fmt::format("{}Org: {}", plan.source.empty() ? "" : " · ",
                       plan.org_name.empty() ? code(plan.org_id) : escape(plan.org_name));
  if (!plan.environment.empty())
    out += fmt::format("{}Environment: **{}**",
                       plan.source.empty() && plan.org_name.empty() && plan.org_id.empty() ? "" : " · ",
                       escape(plan.environment));
  const bool has_header_line =
      !plan.source.empty() || !plan.org_name.empty() || !plan.org_id.empty() || !plan.environment.empty();
  if (!plan.manifest_files.empty()) {
    std::vector<std::string> files;
    for (const auto& file : plan.manifest_files) files.push_back(escape(file));
    out += fmt::format("{}Manifest: {}", has_header_line ? " · " : "", fmt::join(files, ", "));
  }
  if (has_header_line || !plan.manifest_files.empty()) out += "\n\n";
  out += fmt::format(
      "**Plan:** {} to add, {} to update, {} to remove, {} to move{}; {} flows to change, {}{} unchanged, {} with "
      "errors{}.\n\n",
      s.add, s.update, s.remove, s.move, s.republish > 0 ? fmt::format(", {} to republish", s.republish) : "",
      s.to_change,
      s.held ? fmt::format("**{} held by unpublished drafts**, ", s.held) : "", s.unchanged, s.errors,
      s.drift_only ? fmt::format(", {} with drift only (reported, not acted on)", s.drift_only) : "");
  if (s.cache_hits > 0)
    out += fmt::format("{} of {} flows planned from the cache of earlier runs (unchanged since).\n\n", s.cache_hits,
                       s.flows_matched);

  if (!plan.errors.empty()) {
    out += "**Errors:**\n\n";
    for (const auto& error : plan.errors) out += fmt::format("- {}\n", escape(error));
    out += "\n";
  }

  if (plan.flows.empty()) return out + "No flow matches the manifest's rules.\n";

  // A PR comment lists what needs a reviewer's eyes; unchanged flows are
  // counted, not listed, unless they carry a note (someone's draft or lock).
  const auto listed = static_cast<int>(std::count_if(plan.flows.begin(), plan.flows.end(), render_detail::shown));
  if (listed == 0)
    return out + fmt::format("All {} matched flows already call their modules as the manifest says.\n", s.unchanged);
  // The lifecycle column only when flows were read from an org.
  const bool lifecycle = std::any_of(plan.flows.begin(), plan.flows.end(),
                                     [](const FlowPlan& flow) { return flow.published || flow.draft || flow.lock; });
  // The stale-modules column only when a listed flow runs an old snapshot of a module.
  const bool stale = std::any_of(plan.flows.begin(), plan.flows.end(), [](const FlowPlan& flow) {
    return render_detail::shown(flow) && !flow.stale.empty();
  });
  out += fmt::format("| Flow | Type | Status |{} Add | Update | Remove | Move |{}\n",
                     lifecycle ? " Published / draft |" : "", stale ? " Stale modules |" : "");
  out += fmt::format("|---|---|---|{}---:|---:|---:|---:|{}\n", lifecycle ? "---|" : "", stale ? "---:|" : "");
  for (const auto& flow : plan.flows)
    if (render_detail::shown(flow))
      out += fmt::format("| {} | {} | {}{} |{} {} | {} | {} | {} |{}\n", escape(flow.flow_name), escape(flow.flow_type),
                         status_label(flow.status()),
                         flow.actionable() && flow.action == FlowAction::Republish ? " (republish)" : "",
                         lifecycle ? " " + lifecycle_cell(flow) + " |" : "", count(flow, Edit::Kind::AddCall),
                         count(flow, Edit::Kind::UpdateCall), count(flow, Edit::Kind::RemoveCall),
                         count(flow, Edit::Kind::MoveCall),
                         stale ? fmt::format(" {} |", flow.stale.size()) : "");
  const int others = static_cast<int>(plan.flows.size()) - listed;
  if (others > 0) out += fmt::format("\n{} other matched flow{} unchanged.\n", others, others == 1 ? "" : "s");

  for (const auto& flow : plan.flows) {
    if (!render_detail::shown(flow)) continue;
    const FlowPlan::Status status = flow.status();
    out += fmt::format("\n<details><summary>{} ({}){} — {}</summary>\n\n", escape(flow.flow_name),
                       escape(flow.flow_type), flow.observed_version.empty() ? "" : " v" + escape(flow.observed_version),
                       status_label(status));
    for (const auto& line : render_detail::lifecycle_lines(flow, escape)) out += fmt::format("- {}\n", line);
    for (const auto& note : flow.notes) out += fmt::format("- **!** {}\n", escape(note.message));
    for (const auto& line : render_detail::action_lines(flow, escape)) {
      // Someone else's changes going live with ours must not be missed.
      const char* flag = line.kind == render_detail::ActionLine::Kind::AlsoPublishes ? "⚠️ " : "";
      out += fmt::format("- {}**{} {}** {}\n", flag, line.symbol, line.lead, line.rest);
    }
    if (flow.actionable()) {
      // The stale modules the publish makes current, then the edits.
      for (const auto& module : flow.stale) out += stale_item(module);
      for (const auto& edit : flow.edits) out += edit_line(edit);
    } else {  // held, a lock in the way, or drift only
      // Nested under a line saying so: what the version needs, not what apply
      // does. The stale modules are the published version's.
      if (!flow.stale.empty()) {
        out += fmt::format("- *{}*\n", render_detail::not_applied_line(Basis::Published));
        for (const auto& module : flow.stale) out += indented(stale_item(module));
      }
      if (!flow.edits.empty()) {
        if (flow.stale.empty() || flow.basis != Basis::Published)
          out += fmt::format("- *{}*\n", render_detail::not_applied_line(flow.basis));
        for (const auto& edit : flow.edits) out += indented(edit_line(edit));
      }
    }
    for (const auto& finding : flow.findings)
      out += fmt::format("- **! {}** {}\n", to_string(finding.kind), escape(finding.message));
    for (const auto& error : flow.errors) out += fmt::format("- **x error:** {}\n", escape(error));
    out += "\n</details>\n";
  }
  return out;
}

}  // namespace flowlink::plan
