// The lifecycle planning of one flow: which version is the basis (the
// published one or a draft above it), what apply does with it (edit, resume,
// publish the draft, republish, skip), the notes a person reads about locks
// and drafts, and the modules a published version runs stale. See
// planner.hpp for the semantics.
#include <algorithm>
#include <cstdint>
#include <cstdio>

#include <fmt/format.h>

#include "plan/planner.hpp"
#include "plan/planner_internal.hpp"

namespace flowlink::plan::detail {

namespace {

template <typename Judgement>
void judge(const FlowPlan& planned, const std::string& version, Judgement& out) {
  out.version = version;
  out.fingerprint = planned.fingerprint;
  out.edits = static_cast<int>(planned.edits.size());
  out.findings = static_cast<int>(planned.findings.size());
  out.complies = planned.errors.empty() && planned.edits.empty() && planned.findings.empty();
}

// The basis plan's edits, findings and errors become the flow's.
void take_plan(FlowPlan& from, const std::string& version, FlowPlan& out) {
  out.observed_version = version;
  out.fingerprint = std::move(from.fingerprint);
  out.edits = std::move(from.edits);
  out.findings = std::move(from.findings);
  for (auto& error : from.errors) out.errors.push_back(std::move(error));
}

std::string draft_label(const ObservedDraft& draft) {
  const char* stage = draft.stage == DraftState::Stage::Saved ? "saved" : "checked in";
  std::string who = draft.owner ? describe(*draft.owner) : std::string("someone unknown");
  return fmt::format("{} by {}{}, version {}", stage, who, draft.since.empty() ? "" : " on " + draft.since,
                     draft.version);
}

// "2026-11-30T05:23:19.022Z" (datePublished) -> epoch ms; nullopt when it
// is not that shape.
std::optional<std::int64_t> parse_iso_ms(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  char tail = 0;
  const int read = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &year, &month, &day, &hour, &minute,
                               &second, &millis, &tail);
  if (read < 6) return std::nullopt;
  if (read < 7) millis = 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  // Days from the civil date (Howard Hinnant's algorithm): no time zone, no libc.
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  return ((days * 24 + hour) * 60 + minute) * 60000 + second * 1000 + millis;
}

// The modules a rule wants current that the published version calls and
// that were published after it.
std::vector<StaleModule> stale_modules(const std::vector<const manifest::Rule*>& rules,
                                       const manifest::DesiredState& desired,
                                       const std::map<std::string, ResolvedModule>& modules,
                                       const flowdoc::Document& published, const std::string& published_date) {
  std::vector<StaleModule> stale;
  const auto consumer_time = parse_iso_ms(published_date);
  if (!consumer_time) return stale;
  const std::vector<flowdoc::ModuleCall> calls = published.module_calls();
  for (const auto* rule : rules) {
    for (const auto& entry : rule->ensure) {
      auto declared = desired.modules.find(entry.module);
      const bool current = entry.current || (declared != desired.modules.end() && declared->second.current);
      if (!current) continue;
      // Keeping a module current means publishing its consumers; a rule
      // that does not publish leaves them alone (the loader refuses
      // `current: true` on such a rule's own entries; a module-wide one is
      // taken as meant for the rules that publish).
      if (!rule->publish) continue;
      auto it = modules.find(entry.module);
      if (it == modules.end() || !it->second.ok()) continue;
      const ResolvedModule& module = it->second;
      if (std::any_of(stale.begin(), stale.end(), [&](const StaleModule& s) { return s.module_id == module.id(); }))
        continue;
      const bool called = std::any_of(calls.begin(), calls.end(), [&](const flowdoc::ModuleCall& call) {
        return calls_module(call, module.id(), module.flow->name);
      });
      if (!called || !module.flow->lifecycle) continue;
      const auto module_time = parse_iso_ms(module.flow->lifecycle->published_date);
      if (!module_time || *consumer_time >= *module_time) continue;
      StaleModule entry_stale;
      entry_stale.rule = rule->name;
      entry_stale.module_key = module.key;
      entry_stale.module_id = module.id();
      entry_stale.module_name = module.flow->name;
      entry_stale.module_version = module.flow->lifecycle->published_version;
      entry_stale.module_published = module.flow->lifecycle->published_date;
      entry_stale.consumer_published = published_date;
      stale.push_back(std::move(entry_stale));
    }
  }
  return stale;
}

}  // namespace

UnpublishedPolicy policy_of(const std::vector<const manifest::Rule*>& rules, const PlanOptions& options) {
  if (options.unpublished_override) return *options.unpublished_override;
  UnpublishedPolicy policy = UnpublishedPolicy::Publish;
  for (const auto* rule : rules) policy = std::min(policy, rule->unpublished);  // the most cautious
  return rules.empty() ? UnpublishedPolicy::Skip : policy;
}

// The lifecycle decides which document is edited and what apply does.
void plan_lifecycle(const manifest::DesiredState& desired, const std::vector<const manifest::Rule*>& rules,
                    const std::map<std::string, ResolvedModule>& modules, const ObservedFlow& flow,
                    const PlanOptions& options, FlowPlan& out) {
  const ObservedLifecycle& life = *flow.lifecycle;
  const bool published = !life.published_version.empty();
  out.policy = policy_of(rules, options);
  if (!published && !life.draft) {
    out.errors.push_back("the flow has no version at all (neither published nor saved): nothing to plan");
    return;
  }

  if (life.lock) {
    out.lock = *life.lock;
    const LockState& lock = *life.lock;
    switch (lock.flowlink) {
      case LockState::Flowlink::No:
        out.notes.push_back({Note::Kind::ForeignLock, fmt::format("locked by {}: apply skips the flow while they hold "
                                                                  "it (or breaks the lock with --force-unlock)",
                                                                  describe(lock.holder))});
        break;
      case LockState::Flowlink::RunningRun:
        out.notes.push_back({Note::Kind::FlowlinkLock,
                             fmt::format("locked by flowlink run {}, which is still running", lock.run_id)});
        break;
      case LockState::Flowlink::InterruptedRun:
        out.notes.push_back({Note::Kind::FlowlinkLock,
                             fmt::format("locked by flowlink (an interrupted run, {}): apply finishes it and "
                                         "releases the lock",
                                         lock.run_id)});
        break;
      case LockState::Flowlink::Unknown:
        out.notes.push_back({Note::Kind::ForeignLock,
                             "locked by flowlink's OAuth client, but by no run this work dir's journal knows (another "
                             "machine or work dir?): treated as someone else's lock"});
        break;
    }
  }

  // The published version, as callers run it.
  FlowPlan published_plan;
  if (published) {
    if (flow.document) {
      plan_document(desired, rules, modules, *flow.document, flow.name, published_plan);
    } else {
      published_plan.errors.push_back("the published version could not be read: " +
                                      (flow.load_error.empty() ? std::string("no document") : flow.load_error));
    }
    if (flow.document && published_plan.errors.empty())
      out.stale = stale_modules(rules, desired, modules, *flow.document, life.published_date);
    PublishedState state;
    judge(published_plan, life.published_version, state);
    state.date = life.published_date;
    state.complies = state.complies && out.stale.empty();
    out.published = state;
  } else {
    out.notes.push_back({Note::Kind::NeverPublished, "never published: callers run no version of it yet"});
  }

  // No draft: the published version is the basis.
  if (!life.draft) {
    out.basis = Basis::Published;
    take_plan(published_plan, life.published_version, out);
    out.action = !out.edits.empty()  ? FlowAction::Edit
                 : !out.stale.empty() ? FlowAction::Republish
                                      : FlowAction::None;
    if (out.lock && out.lock->flowlink == LockState::Flowlink::InterruptedRun && out.action == FlowAction::None)
      out.action = FlowAction::Resume;  // only the lock is left: release it
    return;
  }

  const ObservedDraft& observed_draft = *life.draft;
  const flowdoc::Document* draft_document =
      published ? (observed_draft.document ? &*observed_draft.document : nullptr)
                : (flow.document ? &*flow.document : nullptr);
  FlowPlan draft_plan;
  if (draft_document) {
    plan_document(desired, rules, modules, *draft_document, flow.name, draft_plan);
  } else {
    const std::string& why = published ? observed_draft.load_error : flow.load_error;
    draft_plan.errors.push_back("the draft could not be read: " + (why.empty() ? std::string("no document") : why));
  }
  DraftState draft;
  judge(draft_plan, observed_draft.version, draft);
  draft.stage = observed_draft.stage;
  draft.owner = observed_draft.owner;
  draft.since = observed_draft.since;
  draft.flowlink = observed_draft.flowlink;
  draft.run_id = observed_draft.run_id;
  draft.publish_intended = observed_draft.publish_intended;
  out.draft = draft;
  const std::string label = draft_label(observed_draft);
  const bool draft_errors = !draft_plan.errors.empty();

  auto use_draft = [&] {
    out.basis = Basis::Draft;
    take_plan(draft_plan, observed_draft.version, out);
  };
  auto use_published = [&] {
    out.basis = Basis::Published;
    if (published) take_plan(published_plan, life.published_version, out);
    if (draft_errors)
      out.notes.push_back({Note::Kind::ForeignDraft,
                           fmt::format("the draft ({}) cannot be planned: {}", label,
                                       fmt::join(draft_plan.errors, "; "))});
  };

  if (observed_draft.flowlink) {
    // flowlink's own change, left by an interrupted run: finish it. Edit it
    // further when the manifest now asks more; publish only if that run meant to.
    out.publish = out.publish && observed_draft.publish_intended;
    use_draft();
    if (!out.edits.empty()) {
      out.action = FlowAction::Edit;
    } else if (observed_draft.stage == DraftState::Stage::Saved || out.publish ||
               (out.lock && out.lock->flowlink == LockState::Flowlink::InterruptedRun)) {
      out.action = FlowAction::Resume;
    } else {
      out.action = FlowAction::None;
    }
    if (out.action == FlowAction::None && !observed_draft.publish_intended) {
      out.notes.push_back({Note::Kind::AwaitingPublish,
                           fmt::format("flowlink's change (run {}) is checked in as version {} and waits for someone "
                                       "to publish it (it was made on someone's draft, or with publish: false)",
                                       observed_draft.run_id, observed_draft.version)});
    } else {
      out.notes.push_back({Note::Kind::FlowlinkPending,
                           fmt::format("flowlink's own change {} but not published (run {}, interrupted)",
                                       observed_draft.stage == DraftState::Stage::Saved ? "saved" : "checked in",
                                       observed_draft.run_id)});
    }
    return;
  }

  // Someone else's draft (a person, another client, or this client in a
  // run nobody recorded).
  const std::string owner = observed_draft.owner ? describe(*observed_draft.owner) : std::string("someone unknown");
  const char* consequence = out.policy == UnpublishedPolicy::Skip
                                ? "left alone (unpublished: skip); drift reports it once it is published"
                            : out.policy == UnpublishedPolicy::EditDraft
                                ? "flowlink edits it and checks it in, never publishes it (unpublished: edit-draft)"
                                : "flowlink edits it and publishes it with their changes (unpublished: publish)";
  out.notes.push_back({Note::Kind::ForeignDraft, fmt::format("version {} is unpublished work of {}; {}",
                                                             observed_draft.version, owner, consequence)});
  if (!published) {
    // Nothing is live yet: the draft is all there is.
    if (out.policy == UnpublishedPolicy::Skip) {
      use_draft();
      if (!out.edits.empty() && out.errors.empty()) {
        out.action = FlowAction::Skip;
        out.skip_reason = fmt::format("the flow was never published and its only version is a draft ({}): left "
                                      "alone (unpublished: skip)",
                                      label);
      }
    } else {
      use_draft();
      out.publish = false;  // never put someone's first version live
      out.action = out.edits.empty() ? FlowAction::None : FlowAction::Edit;
    }
    return;
  }

  switch (out.policy) {
    case UnpublishedPolicy::Skip:
      use_published();
      if (out.errors.empty() && (!out.edits.empty() || !out.stale.empty())) {
        out.action = FlowAction::Skip;
        const std::string needs =
            !out.edits.empty() ? fmt::format("{} edit{}", out.edits.size(), out.edits.size() == 1 ? "" : "s")
                               : std::string("a republish (a module it calls changed)");
        out.skip_reason = fmt::format("the published version needs {}, but there is a draft above it ({}): "
                                      "left alone so that their unpublished work is not published; set "
                                      "`unpublished: edit-draft` or `publish` (or --unpublished) to act",
                                      needs, label);
      }
      return;
    case UnpublishedPolicy::EditDraft:
      use_draft();
      out.publish = false;
      out.action = out.edits.empty() ? FlowAction::None : FlowAction::Edit;
      return;
    case UnpublishedPolicy::Publish:
      use_draft();
      if (!out.edits.empty()) {
        out.action = FlowAction::Edit;
      } else if (out.publish && out.published && !out.published->complies && out.errors.empty()) {
        out.action = FlowAction::PublishDraft;
      }
      return;
  }
}

}  // namespace flowlink::plan::detail
