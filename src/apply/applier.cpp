// The applier's run: the checks that make a plan safe to apply, which flows
// to touch, the rollout in waves and in parallel, and the report (one flow's
// steps are in flow_run.cpp; see applier.hpp for the sequence and the
// guarantees).
#include "apply/applier.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "apply/flow_run.hpp"
#include "apply/journal.hpp"
#include "apply/run_history.hpp"
#include "manifest/environment.hpp"
#include "source/org_source.hpp"

namespace flowlink::apply {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxApplyWorkers = 8;


FlowOutcome outcome_shell(const plan::FlowPlan& flow) {
  FlowOutcome out;
  out.action = plan::to_string(flow.action);
  out.flow_id = flow.flow_id;
  out.flow_name = flow.flow_name;
  out.flow_type = flow.flow_type;
  out.edits = static_cast<int>(flow.edits.size());
  for (const auto& edit : flow.edits) {
    switch (edit.kind) {
      case plan::Edit::Kind::AddCall: ++out.added; break;
      case plan::Edit::Kind::UpdateCall: ++out.updated; break;
      case plan::Edit::Kind::RemoveCall: ++out.removed; break;
      case plan::Edit::Kind::MoveCall: ++out.moved; break;
    }
  }
  out.version_before = flow.observed_version;
  return out;
}

// "plan file 'p.json'", or "the plan" for a plan made in this process.
std::string the_plan(const std::string& plan_file) {
  return plan_file.empty() ? std::string("the plan") : fmt::format("plan file '{}'", plan_file);
}

}  // namespace

void require_plan_applicable(const plan::Plan& plan, const manifest::DesiredState& desired,
                             const std::string& plan_file) {
  if (plan.source.rfind("export-dir ", 0) == 0)
    throw std::runtime_error(fmt::format("{} was made from an export directory ({}); plan against the org to apply",
                                         the_plan(plan_file), plan.source));
  if (auto mismatch = plan::environment_mismatch(plan, desired))
    throw std::runtime_error(fmt::format("{}: {}; nothing was applied", the_plan(plan_file), *mismatch));
  if (plan.manifest_fingerprint.empty())
    throw std::runtime_error(fmt::format("{} records no manifest fingerprint: it cannot be checked against the "
                                         "manifests; plan again",
                                         the_plan(plan_file)));
  if (plan.manifest_fingerprint != desired.fingerprint) {
    const std::string files = fmt::format("{}", fmt::join(desired.files, ", "));
    if (plan_file.empty())
      throw std::runtime_error(fmt::format("the manifests changed since the plan was made (their fingerprint "
                                           "differs{}); plan again",
                                           files.empty() ? "" : ": " + files));
    throw std::runtime_error(fmt::format("the manifests{} changed since plan file '{}' was made; plan again",
                                         files.empty() ? "" : " (" + files + ")", plan_file));
  }
}

ApplyReport apply_plan(genesys::FlowApi& api, const plan::Plan& plan, const manifest::DesiredState& desired,
                       const ApplyOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const genesys::RequestStats stats_before = api.stats();
  Clock now = options.now ? options.now : Clock([] { return std::chrono::system_clock::now(); });

  ApplyReport report;
  report.run_id = options.run_id.empty() ? new_run_id(now()) : options.run_id;
  report.plan_errors = plan.errors;

  // What makes a saved plan safe to run is checked here, for every caller,
  // before any request: where it was made, and from which manifests.
  require_plan_applicable(plan, desired, options.plan_file);

  // A plan is only valid against the org it was made from: the fingerprints
  // protect each flow, this protects the whole plan.
  const genesys::Organization org = options.org ? *options.org : api.organization();
  report.org_id = org.id;
  report.org_name = org.name;
  if (!plan.org_id.empty() && plan.org_id != org.id)
    throw std::runtime_error(fmt::format("{} was made against org '{}' ({}), but these credentials belong to "
                                         "org '{}' ({}); nothing was applied",
                                         the_plan(options.plan_file), plan.org_name, plan.org_id, org.name, org.id));
  if (desired.environment)
    if (auto mismatch = manifest::org_mismatch(*desired.environment, org.id, org.name))
      throw std::runtime_error(*mismatch + "; nothing was applied");

  const fs::path flowlink_dir = options.work_dir / ".flowlink";
  RunHistory history = RunHistory::load(options.work_dir);  // before this run writes to the journal
  RunLease lease(options.work_dir, report.run_id);
  Journal journal(flowlink_dir / "journal.jsonl", report.run_id, now);
  report.journal_path = journal.path().string();
  if (!lease.error().empty()) journal.record({"", "", "lease", "failed", "", lease.error()});
  if (!history.unreadable().empty()) {
    // What the skipped lines said about locks and drafts is not known: flows
    // they concerned count as someone else's. Said, not hidden.
    journal.record({"", "", "history", "warning", "", history.unreadable()});
    if (options.progress) *options.progress << "  journal: " << history.unreadable() << '\n';
  }

  // Ids are drawn from several workers at once; the source itself need not be thread-safe.
  auto id_mutex = std::make_shared<std::mutex>();
  flowdoc::IdSource base_ids = options.ids ? options.ids : flowdoc::random_uuid_source();
  flowdoc::IdSource ids = [base_ids, id_mutex] {
    std::lock_guard<std::mutex> lock(*id_mutex);
    return base_ids();
  };

  detail::Context ctx(api, desired, options, journal, now, ids, flowlink_dir);
  ctx.client_id = api.client_id();
  ctx.history = std::move(history);

  std::vector<std::size_t> to_apply;
  report.flows.reserve(plan.flows.size());
  for (std::size_t i = 0; i < plan.flows.size(); ++i) {
    const plan::FlowPlan& flow = plan.flows[i];
    FlowOutcome out = outcome_shell(flow);
    if (!flow.errors.empty()) {
      out.status = FlowOutcome::Status::Failed;
      out.step = "plan";
      out.reason = fmt::format("{}", fmt::join(flow.errors, "; "));
    } else if (flow.action == plan::FlowAction::Skip) {
      out.status = FlowOutcome::Status::SkippedDraft;
      out.step = "plan";
      out.reason = flow.skip_reason;
      if (flow.lock && flow.lock->flowlink == plan::LockState::Flowlink::InterruptedRun) to_apply.push_back(i);
    } else if (!flow.actionable()) {
      out.status = FlowOutcome::Status::Unchanged;
      // A lock an interrupted run of ours left is given back even when
      // there is nothing to apply (someone's draft holds the flow, say).
      if (flow.lock && flow.lock->flowlink == plan::LockState::Flowlink::InterruptedRun) to_apply.push_back(i);
    } else {
      to_apply.push_back(i);
    }
    report.flows.push_back(std::move(out));
  }
  journal.record({"", "", "run-start", "ok", "",
                  fmt::format("{} flow(s) in the plan, {} with edits", plan.flows.size(), to_apply.size())});
  std::vector<bool> runs(report.flows.size(), false);
  for (std::size_t i : to_apply) runs[i] = true;
  for (std::size_t i = 0; i < report.flows.size(); ++i) {
    const FlowOutcome& out = report.flows[i];
    if (out.status == FlowOutcome::Status::Failed)
      journal.record({out.flow_id, out.flow_name, "plan", "failed", "", out.reason});
    if (out.status == FlowOutcome::Status::SkippedDraft)
      journal.record({out.flow_id, out.flow_name, "plan", "skipped", "", out.reason});
    // Decided by the plan: done now (a flow still to run has its line when it ends).
    if (!runs[i] && (out.status == FlowOutcome::Status::Failed || out.status == FlowOutcome::Status::SkippedDraft))
      ctx.flow_done(out);
  }

  std::vector<plan::ObservedFlow> modules_read;
  ctx.modules = options.modules;
  if (!to_apply.empty() && !ctx.modules) {
    try {
      modules_read = source::modules_of(source::read_modules(api, desired, options.parallelism).flows);
      journal.record({"", "", "read-modules", "ok", "", fmt::format("{} common module(s) listed", modules_read.size())});
    } catch (const std::exception& e) {
      ctx.modules_error = fmt::format("cannot read the common modules to verify against: {}", e.what());
      journal.record({"", "", "read-modules", "failed", "", e.what()});
    }
    ctx.modules = &modules_read;
  }

  auto cancelled = [&] { return options.cancel && options.cancel->load(); };
  // The rollout: a canary wave first (when asked), then batches; a wave
  // starts only if the run was not cancelled, the canary verified and the
  // failures stay under the limit. What did not start is reported as such.
  std::vector<std::vector<std::size_t>> waves;
  {
    std::size_t next = 0;
    const auto canary = static_cast<std::size_t>(std::max(0, options.rollout.canary));
    if (canary > 0 && canary < to_apply.size()) {
      waves.emplace_back(to_apply.begin(), to_apply.begin() + static_cast<std::ptrdiff_t>(canary));
      next = canary;
    }
    const auto batch = static_cast<std::size_t>(std::max(0, options.rollout.batch_size));
    while (next < to_apply.size()) {
      const std::size_t end = batch > 0 ? std::min(to_apply.size(), next + batch) : to_apply.size();
      waves.emplace_back(to_apply.begin() + static_cast<std::ptrdiff_t>(next),
                         to_apply.begin() + static_cast<std::ptrdiff_t>(end));
      next = end;
    }
  }
  std::atomic<int> failures{0};
  std::string stop_reason;
  auto failed_enough = [&] { return options.rollout.max_failures > 0 && failures.load() >= options.rollout.max_failures; };
  auto hold_back = [&](std::size_t i, const std::string& reason) {
    FlowOutcome& out = report.flows[i];
    out.status = FlowOutcome::Status::NotStarted;
    out.step = "start";
    out.reason = reason;
    journal.record({out.flow_id, out.flow_name, "start", "not-started", "", reason});
  };
  for (std::size_t w = 0; w < waves.size(); ++w) {
    const bool canary_wave = options.rollout.canary > 0 && w == 0 && waves.size() > 1;
    if (w > 0 && options.rollout.pause.count() > 0 && stop_reason.empty()) {
      // Between batches; a signal cuts the pause short.
      const auto until = std::chrono::steady_clock::now() + options.rollout.pause;
      while (!cancelled() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (stop_reason.empty() && failed_enough())
      stop_reason = fmt::format("not started: the run stopped after {} failure(s) (--max-failures {})", failures.load(),
                                options.rollout.max_failures);
    const auto& wave = waves[w];
    if (!stop_reason.empty()) {
      for (std::size_t i : wave) hold_back(i, stop_reason);
      continue;
    }
    // Genesys's limits are per org: never more than kMaxApplyWorkers flows at once.
    genesys::parallel_for(wave.size(), std::clamp(options.parallelism, 1, kMaxApplyWorkers), [&](std::size_t k) {
      const std::size_t i = wave[k];
      if (cancelled()) {
        FlowOutcome& out = report.flows[i];
        out.status = FlowOutcome::Status::Cancelled;
        out.step = "start";
        out.reason = "not started: the run was cancelled";
        journal.record({out.flow_id, out.flow_name, "start", "cancelled", "", out.reason});
        return;
      }
      if (failed_enough()) {
        hold_back(i, fmt::format("not started: the run stopped after {} failure(s) (--max-failures {})",
                                 failures.load(), options.rollout.max_failures));
        return;
      }
      try {
        detail::run_flow(ctx, plan.flows[i], report.flows[i]);
      } catch (const std::exception& e) {
        // run() handles its own failures; this is for what escapes even
        // that (memory, say): the flow is reported, the others go on.
        report.flows[i].status = FlowOutcome::Status::Failed;
        report.flows[i].reason = std::string("unexpected failure: ") + e.what();
      } catch (...) {
        report.flows[i].status = FlowOutcome::Status::Failed;
        report.flows[i].reason = "unexpected failure";
      }
      if (report.flows[i].status == FlowOutcome::Status::Failed) ++failures;
      ctx.flow_done(report.flows[i]);
      if (options.counters) ++options.counters->applied;
    });
    if (stop_reason.empty() && failed_enough() &&
        std::any_of(wave.begin(), wave.end(),
                    [&](std::size_t i) { return report.flows[i].status == FlowOutcome::Status::NotStarted; }))
      stop_reason = fmt::format("not started: the run stopped after {} failure(s) (--max-failures {})",
                                failures.load(), options.rollout.max_failures);
    if (canary_wave) {
      std::vector<std::string> unverified;
      for (std::size_t i : wave)
        if (report.flows[i].status != FlowOutcome::Status::Applied &&
            report.flows[i].status != FlowOutcome::Status::Unchanged)
          unverified.push_back(report.flows[i].flow_name);
      // A canary run stops after the canary either way: a person (or the
      // pipeline's next job) looks at the N flows before the rest go.
      if (!unverified.empty()) {
        stop_reason = fmt::format("not started: the canary ({} flow{}) did not all verify ({}); fix them and re-run",
                                  wave.size(), wave.size() == 1 ? "" : "s", fmt::join(unverified, ", "));
      } else {
        stop_reason = fmt::format("not started: the canary ({} flow{}) verified; re-run apply without --canary to "
                                  "roll out the rest",
                                  wave.size(), wave.size() == 1 ? "" : "s");
        report.canary_verified = true;
      }
      journal.record({"", "", "canary", unverified.empty() ? "ok" : "failed", "",
                      unverified.empty() ? fmt::format("{} flow(s) verified", wave.size()) : stop_reason});
    }
  }
  report.rollout_stopped = !stop_reason.empty();
  report.stop_reason = stop_reason;
  report.cancelled = cancelled();

  report.journal_error = journal.write_error();
  report.stats = source::stats_delta(api.stats(), stats_before);
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  journal.record({"", "", "run-end", report.ok() ? "ok" : "failed", "",
                  fmt::format("applied {}, unchanged {}, stale {}, locked {}, draft {}, cancelled {}, failed {}",
                              report.count(FlowOutcome::Status::Applied), report.count(FlowOutcome::Status::Unchanged),
                              report.count(FlowOutcome::Status::SkippedStale),
                              report.count(FlowOutcome::Status::SkippedLocked),
                              report.count(FlowOutcome::Status::SkippedDraft),
                              report.count(FlowOutcome::Status::Cancelled),
                              report.count(FlowOutcome::Status::Failed))});
  return report;
}

}  // namespace flowlink::apply
