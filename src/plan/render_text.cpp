// The plan as text for a terminal, in the manner of `terraform plan`:
//   + add, ~ update, - remove, > move, ! finding or note (not acted on),
//   ^ republish (a module the published version runs an old snapshot of),
//   x error; flow headers: ~ change, # held, ! drift, = unchanged (shown only
//   with notes), x error. Under each header, the flow's lifecycle (published
//   version, draft, lock), its notes, what apply does beyond the edits
//   (resume, publish a draft, also publish someone's changes, publish again
//   for its modules), then the stale modules and the edits.
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "plan/planner_internal.hpp"
#include "plan/render.hpp"
#include "plan/render_escape.hpp"
#include "plan/render_lifecycle.hpp"
#include "plan/text_palette.hpp"

namespace flowlink::plan {

namespace {

using detail::Palette;
using detail::palette;

// Text from the org or the manifest goes to a terminal: the one escaping
// (an ESC in a flow name could forge colours or lines).
std::string clean(std::string_view text) { return escape_terminal(text); }

std::string quoted(const std::optional<std::string>& value) {
  return value ? fmt::format("\"{}\"", clean(*value)) : std::string("(unset)");
}

std::string call_label(const Edit& edit) {
  return fmt::format("'{}' ({})", clean(edit.action_name), clean(edit.module_name));
}

void write_bindings(std::string& out, const flowdoc::Bindings& bindings, const char* direction) {
  for (const auto& [name, value] : bindings)
    out += fmt::format("        {}.{} = \"{}\"\n", direction, clean(name), clean(value));
}

void write_edit(std::string& out, const Edit& edit, const Palette& p) {
  switch (edit.kind) {
    case Edit::Kind::AddCall:
      out += fmt::format("  {}+ add call {} {}{}  [{}]\n", p.green, clean(edit.module_name),
                         clean(edit.position_description), p.reset, clean(detail::edit_note(edit)));
      out += fmt::format("        name = \"{}\"\n", clean(edit.action_name));
      write_bindings(out, edit.inputs, "inputs");
      write_bindings(out, edit.outputs, "outputs");
      break;
    case Edit::Kind::UpdateCall:
      out += fmt::format("  {}~ update call {} {}{}  [{}]\n", p.yellow, call_label(edit), clean(edit.position_description),
                         p.reset, clean(detail::edit_note(edit)));
      for (const auto& change : edit.changes)
        out += fmt::format("        {}: {} -> {}\n", clean(change.field), quoted(change.before), quoted(change.after));
      break;
    case Edit::Kind::RemoveCall:
      out += fmt::format("  {}- remove call {} {}{}  [{}]\n", p.red, call_label(edit), clean(edit.position_description),
                         p.reset, clean(detail::edit_note(edit)));
      break;
    case Edit::Kind::MoveCall:
      out += fmt::format("  {}> move call {} to {}{}  [{}]\n", p.cyan, call_label(edit), clean(edit.position_description),
                         p.reset, clean(detail::edit_note(edit)));
      break;
  }
}

// "  ^ republish: calls M from before its publish of DATE (module v3.0); published DATE  [rule 'r': current]"
void write_stale(std::string& out, const StaleModule& stale, const Palette& p) {
  out += fmt::format("  {}{} {} {}{}  [{}]\n", p.yellow, render_detail::kStaleSymbol, render_detail::kStaleLead,
                     render_detail::stale_line(stale, clean), p.reset, render_detail::stale_note(stale, clean));
}

// "  # not applied; what the published version needs:"
void write_not_applied(std::string& out, Basis basis, const Palette& p) {
  out += fmt::format("  {}# {}{}\n", p.cyan, render_detail::not_applied_line(basis), p.reset);
}

// "rules: 'support' 3 flows, 'later' 0 flows (allowEmpty)" and a warning line
// per rule that selects nothing without allowing it.
void write_rules(std::string& out, const PlanHead& plan, const Palette& p) {
  if (plan.rules.empty()) return;
  std::vector<std::string> counts;
  for (const auto& match : plan.rules)
    counts.push_back(fmt::format("'{}' {}{}", clean(match.rule), render_detail::flow_count(match.flows),
                                 match.flows == 0 && match.allow_empty ? " (allowEmpty)" : ""));
  out += fmt::format("rules{}: {}\n", plan.targets.empty() ? "" : " (targeted flows)", fmt::join(counts, ", "));
  for (const auto& rule : plan.empty_rules())
    out += fmt::format("{}! warning: {}{}\n", p.yellow, clean(empty_rule_message(rule)), p.reset);
  out += "\n";
}

const char* flow_symbol(FlowPlan::Status status) {
  switch (status) {
    case FlowPlan::Status::NoChange: return "=";
    case FlowPlan::Status::Change: return "~";
    case FlowPlan::Status::Held: return "#";
    case FlowPlan::Status::Drift: return "!";
    case FlowPlan::Status::Error: return "x";
  }
  return "?";
}

// One flow's block: its header line, lifecycle, notes, actions, stale
// modules, edits, findings and errors.
void write_flow(std::string& out, const FlowPlan& flow, const Palette& p) {
  const FlowPlan::Status status = flow.status();
  const char* colour = status == FlowPlan::Status::Error    ? p.red
                       : status == FlowPlan::Status::Drift  ? p.magenta
                       : status == FlowPlan::Status::Held   ? p.cyan
                       : status == FlowPlan::Status::Change ? p.yellow
                                                            : "";
  out += fmt::format("{}{}{} flow {} ({}){}{}", colour, p.bold, flow_symbol(status), clean(flow.flow_name),
                     clean(flow.flow_type), flow.observed_version.empty() ? "" : " v" + clean(flow.observed_version),
                     p.reset);
  out += fmt::format("  [{}]{}\n", clean(flow.flow_id),
                     flow.actionable() && flow.publish ? ", publish"
                     : status == FlowPlan::Status::Held ? ", held"
                                                        : "");
  for (const auto& line : render_detail::lifecycle_lines(flow, clean)) out += fmt::format("  {}\n", line);
  for (const auto& note : flow.notes) out += fmt::format("  {}! {}{}\n", p.magenta, clean(note.message), p.reset);
  for (const auto& line : render_detail::action_lines(flow, clean)) {
    using Kind = render_detail::ActionLine::Kind;
    // Someone else's changes going live with ours must not be missed.
    const std::string emphasis = line.kind == Kind::AlsoPublishes ? std::string(p.bold) + p.yellow
                                 : line.kind == Kind::Held        ? std::string(p.cyan)
                                                                  : std::string(p.yellow);
    out += fmt::format("  {}{} {}{} {}\n", emphasis, line.symbol, line.lead, p.reset, line.rest);
  }
  if (flow.actionable()) {
    // The stale modules the publish makes current, then the edits.
    for (const auto& stale : flow.stale) write_stale(out, stale, p);
    for (const auto& edit : flow.edits) write_edit(out, edit, p);
  } else {  // held, a lock in the way, or drift only
    // Shown as what the version needs, without the colours of planned
    // changes. The stale modules are the published version's.
    if (!flow.stale.empty()) {
      write_not_applied(out, Basis::Published, p);
      for (const auto& stale : flow.stale) write_stale(out, stale, Palette{});
    }
    if (!flow.edits.empty()) {
      if (flow.stale.empty() || flow.basis != Basis::Published) write_not_applied(out, flow.basis, p);
      for (const auto& edit : flow.edits) write_edit(out, edit, Palette{});
    }
  }
  for (const auto& finding : flow.findings)
    out += fmt::format("  {}! {} {}{}\n", p.magenta, to_string(finding.kind), clean(finding.message), p.reset);
  for (const auto& error : flow.errors) out += fmt::format("  {}x error: {}{}\n", p.red, clean(error), p.reset);
}

}  // namespace

TextPlanWriter::TextPlanWriter(const TextStyle& style, std::ostream& out) : style_(style), out_(out) {}

void TextPlanWriter::begin(const PlanHead& plan) {
  const Palette p = palette(style_);
  std::string out;
  out += fmt::format("{}{}{}", p.bold, clean(style_.heading), p.reset);
  if (!plan.source.empty()) out += fmt::format(" of {}", clean(plan.source));
  if (!plan.org_name.empty() || !plan.org_id.empty())
    out += fmt::format(" (org {})", clean(plan.org_name.empty() ? plan.org_id : plan.org_name));
  if (!plan.environment.empty()) out += fmt::format(" for environment {}", clean(plan.environment));
  out += "\n";
  if (!plan.manifest_files.empty()) {
    std::vector<std::string> files;
    for (const auto& file : plan.manifest_files) files.push_back(clean(file));
    out += fmt::format("manifest: {}\n", fmt::join(files, ", "));
  }
  if (!plan.targets.empty()) {
    std::vector<std::string> targets;
    for (const auto& target : plan.targets) targets.push_back(clean(target));
    out += fmt::format("targets: {} (other flows left out)\n", fmt::join(targets, ", "));
  }
  out += "\n";

  for (const auto& error : plan.errors) out += fmt::format("{}x error: {}{}\n", p.red, clean(error), p.reset);
  if (!plan.errors.empty()) out += "\n";
  out_ << out;
}

void TextPlanWriter::flow(const FlowPlan& flow) {
  any_flow_ = true;
  if (!render_detail::shown(flow)) return;
  std::string out;
  write_flow(out, flow, palette(style_));
  out += "\n";
  out_ << out;
}

void TextPlanWriter::end(const PlanHead& plan, const PlanTally& tally) {
  const Palette p = palette(style_);
  std::string out;
  if (!any_flow_) out += "No flow matches the manifest's rules.\n\n";
  write_rules(out, plan, p);
  const PlanSummary& s = tally.summary;
  out += fmt::format("{}Plan:{} {} to add, {} to update, {} to remove, {} to move{}; {} flow{} to change, {}{} unchanged, "
                     "{} with errors.\n",
                     p.bold, p.reset, s.add, s.update, s.remove, s.move,
                     s.republish > 0 ? fmt::format(", {} to republish", s.republish) : "", s.to_change,
                     s.to_change == 1 ? "" : "s",
                     s.held > 0 ? fmt::format("{} held by unpublished drafts, ", s.held) : "", s.unchanged, s.errors);
  if (s.cache_hits > 0)
    out += fmt::format("{} of {} flow{} planned from the cache of earlier runs (unchanged since).\n", s.cache_hits,
                       s.flows_matched, s.flows_matched == 1 ? "" : "s");
  if (s.drift_only > 0)
    out += fmt::format("{} flow{} drift{} with nothing to apply ('!': reported, not acted on).\n", s.drift_only,
                       s.drift_only == 1 ? "" : "s", s.drift_only == 1 ? "s" : "");
  if (!plan.errors.empty())
    out += fmt::format("{}{} plan-wide error{}.{}\n", p.red, plan.errors.size(), plan.errors.size() == 1 ? "" : "s",
                       p.reset);
  out_ << out;
}

void write_text(const Plan& plan, const TextStyle& style, std::ostream& stream) {
  TextPlanWriter writer(style, stream);
  feed(plan, writer);
}

std::string render_text(const Plan& plan, const TextStyle& style) {
  std::ostringstream out;
  write_text(plan, style, out);
  return std::move(out).str();
}

std::string render_text_flow(const FlowPlan& flow) {
  std::string out;
  write_flow(out, flow, Palette{});
  return out;
}

}  // namespace flowlink::plan
