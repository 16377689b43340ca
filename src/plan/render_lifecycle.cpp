// The lifecycle wording shared by the text and Markdown renderers.
#include "plan/render_lifecycle.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace flowlink::plan::render_detail {

namespace {

std::string plural(int n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

std::string version_label(const std::string& version, Escape escape) {
  return version.empty() ? std::string("(version unknown)") : "v" + escape(version);
}

// "flowlink (run R)" for flowlink's own draft, else "Alice (user)".
std::string draft_author(const DraftState& draft, Escape escape) {
  if (draft.flowlink) return draft.run_id.empty() ? std::string("flowlink") : fmt::format("flowlink (run {})", escape(draft.run_id));
  if (!draft.owner) return {};
  return escape(describe(*draft.owner));
}

std::string lock_line(const LockState& lock, Escape escape) {
  const std::string run = lock.run_id.empty() ? std::string() : " " + escape(lock.run_id);
  switch (lock.flowlink) {
    case LockState::Flowlink::InterruptedRun: return fmt::format("locked by flowlink (an interrupted run{})", run);
    case LockState::Flowlink::RunningRun:
      return lock.run_id.empty() ? std::string("locked by flowlink (a run still going)")
                                 : fmt::format("locked by flowlink (run {}, still going)", escape(lock.run_id));
    case LockState::Flowlink::Unknown:
      return fmt::format("locked by {}: flowlink's OAuth client, but no run this work dir knows of",
                         escape(describe(lock.holder)));
    case LockState::Flowlink::No: break;
  }
  return fmt::format("locked by {}", escape(describe(lock.holder)));
}

}  // namespace

std::string judgement(const VersionJudgement& version, std::size_t stale) {
  if (version.complies) return "complies";
  std::string counts;
  if (version.edits > 0) counts = plural(version.edits, "edit");
  if (version.findings > 0) counts += (counts.empty() ? "" : ", ") + plural(version.findings, "finding");
  if (stale > 0) counts += (counts.empty() ? "" : ", ") + plural(static_cast<int>(stale), "stale module");
  return counts.empty() ? std::string("does not comply") : fmt::format("does not comply ({})", counts);
}

std::string owner_name(const std::optional<Actor>& owner, Escape escape) {
  if (!owner) return "someone";
  if (!owner->name.empty()) return escape(owner->name);
  return fmt::format("{} {}", to_string(owner->kind), escape(owner->id));
}

std::vector<std::string> lifecycle_lines(const FlowPlan& flow, Escape escape) {
  std::vector<std::string> lines;
  if (flow.published) {
    const PublishedState& published = *flow.published;
    lines.push_back(fmt::format("published {}{}: {}", version_label(published.version, escape),
                                published.date.empty() ? "" : " (" + escape(published.date) + ")",
                                judgement(published, flow.stale.size())));
  } else if (flow.draft) {
    lines.push_back("published: none");
  }
  if (flow.draft) {
    const DraftState& draft = *flow.draft;
    std::string author = draft_author(draft, escape);
    lines.push_back(fmt::format("draft {} {}{}{}: {}", version_label(draft.version, escape),
                                draft.stage == DraftState::Stage::CheckedIn ? "checked in" : "saved",
                                author.empty() ? "" : " by " + author,
                                draft.since.empty() ? "" : " since " + escape(draft.since), judgement(draft)));
  }
  if (flow.lock) lines.push_back(lock_line(*flow.lock, escape));
  // A line a note says (or begins with) word for word is left to the note.
  std::erase_if(lines, [&](const std::string& line) {
    return std::any_of(flow.notes.begin(), flow.notes.end(),
                       [&](const Note& note) { return escape(note.message).starts_with(line); });
  });
  return lines;
}

std::vector<ActionLine> action_lines(const FlowPlan& flow, Escape escape) {
  std::vector<ActionLine> lines;
  const DraftState* draft = flow.draft ? &*flow.draft : nullptr;
  switch (flow.action) {
    case FlowAction::Resume: {
      std::vector<std::string> steps;
      if (!draft || draft->stage == DraftState::Stage::Saved) steps.emplace_back("check in");
      if (flow.publish) steps.emplace_back("publish");
      steps.emplace_back("verify");
      lines.push_back({ActionLine::Kind::Resume, ">", "resume:",
                       fmt::format("finish flowlink's own change ({}){}", fmt::join(steps, ", "),
                                   flow.publish ? "" : "; not published (publish: false)")});
      break;
    }
    case FlowAction::PublishDraft:
      lines.push_back({ActionLine::Kind::PublishDraft, "^", "publish",
                       fmt::format("{}'s draft {} as it is (unpublished: {})", owner_name(draft ? draft->owner : std::nullopt, escape),
                                   version_label(draft ? draft->version : flow.observed_version, escape),
                                   to_string(flow.policy))});
      break;
    case FlowAction::Edit:
      if (flow.basis != Basis::Draft || !draft) break;
      if (draft->flowlink) {
        lines.push_back({ActionLine::Kind::Resume, ">", "resume:",
                         fmt::format("edit flowlink's own draft {}, then check in{}", version_label(draft->version, escape),
                                     flow.publish ? ", publish" : "; not published (publish: false)")});
      } else if (flow.publish) {
        lines.push_back({ActionLine::Kind::AlsoPublishes, "^", "also publishes",
                         fmt::format("{}'s unpublished changes from {}, version {} (unpublished: {})",
                                     owner_name(draft->owner, escape),
                                     draft->since.empty() ? std::string("an unknown date") : escape(draft->since),
                                     draft->version.empty() ? std::string("unknown") : escape(draft->version),
                                     to_string(flow.policy))});
      } else {
        lines.push_back({ActionLine::Kind::EditDraft, "~", "edits",
                         fmt::format("{}'s draft {} and checks it in; not published: goes live when they publish "
                                     "(unpublished: {})",
                                     owner_name(draft->owner, escape), version_label(draft->version, escape),
                                     to_string(flow.policy))});
      }
      break;
    case FlowAction::Skip:
      lines.push_back({ActionLine::Kind::Held, "#", "held:",
                       flow.skip_reason.empty()
                           ? fmt::format("{}'s unpublished draft is in the way (unpublished: {})",
                                         owner_name(draft ? draft->owner : std::nullopt, escape), to_string(flow.policy))
                           : escape(flow.skip_reason)});
      break;
    case FlowAction::Republish: {
      const std::string version = flow.published ? flow.published->version : flow.observed_version;
      lines.push_back({ActionLine::Kind::Republish, "^", "publish",
                       fmt::format("{} again as it is (no edit), so that it runs the latest version of {}",
                                   version_label(version, escape),
                                   flow.stale.size() == 1 ? std::string("1 module")
                                                          : fmt::format("{} modules", flow.stale.size()))});
      break;
    }
    case FlowAction::None: break;
  }
  return lines;
}

std::string stale_line(const StaleModule& stale, Escape escape) {
  std::string versions;
  if (!stale.snapshot_version.empty())
    versions = stale.module_version.empty()
                   ? fmt::format(" (snapshot v{})", escape(stale.snapshot_version))
                   : fmt::format(" (snapshot v{} -> v{})", escape(stale.snapshot_version), escape(stale.module_version));
  else if (!stale.module_version.empty())
    versions = fmt::format(" (module v{})", escape(stale.module_version));
  return fmt::format("calls {} from before its {}{}; published {}", escape(stale.module_name),
                     stale.module_published.empty() ? std::string("latest publish")
                                                    : "publish of " + escape(stale.module_published),
                     versions,
                     stale.consumer_published.empty() ? std::string("at an unknown date") : escape(stale.consumer_published));
}

std::string stale_note(const StaleModule& stale, Escape escape) {
  std::string note = fmt::format("rule '{}': current", escape(stale.rule));
  if (!stale.decided_by.empty() && stale.decided_by != "datePublished")
    note += fmt::format("; decided by {}", escape(stale.decided_by));
  return note;
}

std::string not_applied_line(Basis basis) {
  return fmt::format("not applied; what the {} version needs:", basis == Basis::Draft ? "draft" : "published");
}

bool shown(const FlowPlan& flow) { return flow.status() != FlowPlan::Status::NoChange || !flow.notes.empty(); }

std::string flow_count(int flows) { return fmt::format("{} flow{}", flows, flows == 1 ? "" : "s"); }

}  // namespace flowlink::plan::render_detail
