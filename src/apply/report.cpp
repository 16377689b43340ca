// The apply report: counts, the exit rule, the human and JSON renderings.
#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/ranges.h>

#include <fmt/format.h>

#include "apply/applier.hpp"
#include "plan/render_escape.hpp"
#include "plan/text_palette.hpp"

namespace flowlink::apply {

const char* to_string(FlowOutcome::Status status) {
  switch (status) {
    case FlowOutcome::Status::Applied: return "applied";
    case FlowOutcome::Status::Unchanged: return "unchanged";
    case FlowOutcome::Status::SkippedStale: return "skipped_stale";
    case FlowOutcome::Status::SkippedLocked: return "skipped_locked";
    case FlowOutcome::Status::SkippedDraft: return "skipped_draft";
    case FlowOutcome::Status::Cancelled: return "cancelled";
    case FlowOutcome::Status::NotStarted: return "not_started";
    case FlowOutcome::Status::Failed: return "failed";
  }
  return "?";
}

int ApplyReport::count(FlowOutcome::Status status) const {
  return static_cast<int>(
      std::count_if(flows.begin(), flows.end(), [&](const FlowOutcome& f) { return f.status == status; }));
}

bool ApplyReport::ok() const {
  return plan_errors.empty() && !cancelled && count(FlowOutcome::Status::Failed) == 0 &&
         count(FlowOutcome::Status::SkippedStale) == 0 && count(FlowOutcome::Status::SkippedLocked) == 0 &&
         count(FlowOutcome::Status::SkippedDraft) == 0 && count(FlowOutcome::Status::Cancelled) == 0 &&
         (count(FlowOutcome::Status::NotStarted) == 0 || canary_verified);
}

namespace {

std::string clean(const std::string& text) { return plan::escape_terminal(text); }

// "1 added, 2 updated": the edits by kind, those there are.
std::string edit_counts(const FlowOutcome& flow) {
  std::vector<std::string> parts;
  if (flow.added) parts.push_back(fmt::format("{} added", flow.added));
  if (flow.updated) parts.push_back(fmt::format("{} updated", flow.updated));
  if (flow.removed) parts.push_back(fmt::format("{} removed", flow.removed));
  if (flow.moved) parts.push_back(fmt::format("{} moved", flow.moved));
  if (parts.empty()) return fmt::format("{} edit(s)", flow.edits);
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Where the flow's change ended: published, or checked in and waiting.
std::string landed(const FlowOutcome& flow) {
  const std::string version = clean(flow.version_after);
  if (flow.published) return "published " + version;
  if (flow.pending_publish) return fmt::format("checked in {}, not published (pending publish)", version);
  return version.empty() ? std::string("done") : "version " + version;
}

// What happened, after the flow's name: the mark's colour and the text.
std::pair<const char*, std::string> what_happened(const FlowOutcome& flow, const plan::detail::Palette& p) {
  const std::string reason = clean(flow.reason);
  switch (flow.status) {
    case FlowOutcome::Status::Applied:
      if (flow.action == "resume") return {p.green, "finished an interrupted run's change, " + landed(flow)};
      if (flow.action == "publish_draft") return {p.green, "the draft as it was, " + landed(flow)};
      if (flow.action == "republish") return {p.green, "republished for its modules' new versions, " + landed(flow)};
      return {p.green, edit_counts(flow) + ", " + landed(flow)};
    case FlowOutcome::Status::Unchanged: return {p.green, "unchanged"};
    case FlowOutcome::Status::SkippedStale: return {p.yellow, "skipped (stale) — " + reason};
    case FlowOutcome::Status::SkippedLocked: return {p.yellow, "skipped (locked) — " + reason};
    case FlowOutcome::Status::SkippedDraft: return {p.yellow, "skipped (unpublished draft) — " + reason};
    case FlowOutcome::Status::Cancelled: return {p.yellow, "not done (cancelled) — " + reason};
    case FlowOutcome::Status::NotStarted: return {p.yellow, "not started"};
    case FlowOutcome::Status::Failed: return {p.red, fmt::format("failed at {} — {}", clean(flow.step), reason)};
  }
  return {"", "?"};
}

// The report's lines after its flows (`with_flows`: and the flows' lines).
std::string render_report(const ApplyReport& report, bool with_flows) {
  std::string out = fmt::format("Apply run {}\n", report.run_id);
  for (const auto& error : report.plan_errors) out += fmt::format("x plan error: {}\n", clean(error));
  if (with_flows)
    for (const auto& flow : report.flows)
      if (flow.status != FlowOutcome::Status::Unchanged) out += render_apply_flow_lines(flow, false);
  if (report.cancelled)
    out += "Cancelled: no flow was started after the signal; flows under way were finished or released.\n";
  if (report.rollout_stopped) {
    const int done = report.count(FlowOutcome::Status::Applied);
    const int remaining = report.count(FlowOutcome::Status::NotStarted);
    out += fmt::format("Rollout stopped: {}. {} done, {} remaining: re-run apply to continue where it stopped.\n",
                       report.stop_reason.substr(report.stop_reason.rfind("not started: ", 0) == 0 ? 13 : 0), done,
                       remaining);
  }
  out += fmt::format("Summary: {} applied, {} unchanged, {} skipped as stale, {} skipped as locked, {} skipped for an "
                     "unpublished draft, {} cancelled, {} not started, {} failed.\n",
                     report.count(FlowOutcome::Status::Applied), report.count(FlowOutcome::Status::Unchanged),
                     report.count(FlowOutcome::Status::SkippedStale), report.count(FlowOutcome::Status::SkippedLocked),
                     report.count(FlowOutcome::Status::SkippedDraft), report.count(FlowOutcome::Status::Cancelled),
                     report.count(FlowOutcome::Status::NotStarted), report.count(FlowOutcome::Status::Failed));
  out += fmt::format("Requests: {} ({} retried, {} rate-limited, {} server errors, {} token requests) in {:.1f}s.\n",
                     report.stats.requests, report.stats.retries, report.stats.rate_limited,
                     report.stats.server_errors, report.stats.token_requests, report.elapsed.count() / 1000.0);
  if (report.journal_error.empty())
    out += fmt::format("Journal: {}\n", clean(report.journal_path));
  else
    out += fmt::format("Journal: NOT written ({}); the run is not recorded for a later resume\n",
                       clean(report.journal_error));
  return out;
}

}  // namespace

std::string render_apply_flow_lines(const FlowOutcome& flow, bool color) {
  plan::TextStyle style;
  style.color = color;
  const plan::detail::Palette p = plan::detail::palette(style);
  const auto [colour, text] = what_happened(flow, p);
  const bool done = flow.status == FlowOutcome::Status::Applied || flow.status == FlowOutcome::Status::Unchanged;
  std::string out = fmt::format("{}{}{} {} ({}): {}\n", colour, done ? "✓" : "✗", p.reset, clean(flow.flow_name),
                                clean(flow.flow_id), text);
  for (const auto& error : flow.cleanup_errors)
    out += fmt::format("    {}could not release the lock ({}); check the flow in Architect{}\n", p.red, clean(error),
                       p.reset);
  return out;
}

std::string render_apply_text(const ApplyReport& report) { return render_report(report, true); }

std::string render_apply_summary(const ApplyReport& report) { return render_report(report, false); }

nlohmann::ordered_json apply_report_to_json(const ApplyReport& report) {
  using Json = nlohmann::ordered_json;
  Json json;
  json["run_id"] = report.run_id;
  json["org"] = Json{{"id", report.org_id}, {"name", report.org_name}};
  json["ok"] = report.ok();
  json["cancelled"] = report.cancelled;
  json["rollout_stopped"] = report.rollout_stopped;
  if (!report.stop_reason.empty()) json["stop_reason"] = report.stop_reason;
  json["summary"] = Json{{"applied", report.count(FlowOutcome::Status::Applied)},
                         {"unchanged", report.count(FlowOutcome::Status::Unchanged)},
                         {"skipped_stale", report.count(FlowOutcome::Status::SkippedStale)},
                         {"skipped_locked", report.count(FlowOutcome::Status::SkippedLocked)},
                         {"skipped_draft", report.count(FlowOutcome::Status::SkippedDraft)},
                         {"cancelled", report.count(FlowOutcome::Status::Cancelled)},
                         {"not_started", report.count(FlowOutcome::Status::NotStarted)},
                         {"failed", report.count(FlowOutcome::Status::Failed)}};
  json["plan_errors"] = report.plan_errors;
  Json flows = Json::array();
  for (const auto& flow : report.flows) {
    Json f;
    f["id"] = flow.flow_id;
    f["name"] = flow.flow_name;
    f["type"] = flow.flow_type;
    f["outcome"] = to_string(flow.status);
    if (!flow.action.empty()) f["action"] = flow.action;
    if (!flow.step.empty()) f["step"] = flow.step;
    if (!flow.reason.empty()) f["reason"] = flow.reason;
    f["edits"] = flow.edits;
    f["version_before"] = flow.version_before;
    f["version_after"] = flow.version_after;
    if (!flow.saved_version.empty()) f["saved_version"] = flow.saved_version;
    f["published"] = flow.published;
    f["pending_publish"] = flow.pending_publish;
    if (!flow.backup_path.empty()) f["backup"] = flow.backup_path;
    if (!flow.cleanup_errors.empty()) f["cleanup_errors"] = flow.cleanup_errors;
    flows.push_back(std::move(f));
  }
  json["flows"] = std::move(flows);
  json["requests"] = Json{{"total", report.stats.requests},
                          {"retries", report.stats.retries},
                          {"rate_limited", report.stats.rate_limited},
                          {"server_errors", report.stats.server_errors},
                          {"token_requests", report.stats.token_requests}};
  json["elapsed_ms"] = report.elapsed.count();
  json["journal"] = report.journal_path;
  if (!report.journal_error.empty()) json["journal_error"] = report.journal_error;
  return json;
}

std::string render_apply_json(const ApplyReport& report) {
  return apply_report_to_json(report).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace flowlink::apply
