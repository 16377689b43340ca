// The applier's run: which flows to touch, in parallel, and the steps for one
// flow (see applier.hpp for the sequence and the guarantees).
#include "apply/applier.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>

#include <fmt/format.h>

#include "apply/backup.hpp"
#include "apply/journal.hpp"
#include "apply/lock_guard.hpp"
#include "source/org_source.hpp"

namespace flowlink::apply {

namespace fs = std::filesystem;

namespace {

// A flow that is skipped rather than failed (locked by someone, stale).
struct Skip {
  FlowOutcome::Status status;
  std::string step;
  std::string reason;
  std::string journal_outcome;  // "locked" / "stale"
};

struct Context {
  genesys::FlowApi& api;
  const manifest::DesiredState& desired;
  const ApplyOptions& options;
  Journal& journal;
  Clock now;
  flowdoc::IdSource ids;
  fs::path flowlink_dir;
  const std::vector<plan::ObservedFlow>* modules = nullptr;
  std::string modules_error;  // the modules could not be read: nothing can be verified
  std::string client_id;
  std::mutex progress_mutex;

  Context(genesys::FlowApi& api_, const manifest::DesiredState& desired_, const ApplyOptions& options_,
          Journal& journal_, Clock now_, flowdoc::IdSource ids_, fs::path flowlink_dir_)
      : api(api_), desired(desired_), options(options_), journal(journal_), now(std::move(now_)),
        ids(std::move(ids_)), flowlink_dir(std::move(flowlink_dir_)) {}

  void progress(const std::string& line) {
    if (!options.progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    *options.progress << line << '\n';
    options.progress->flush();
  }
};

std::string describe_ref(const genesys::EntityRef& ref, const char* kind) {
  if (ref.name.empty()) return fmt::format("{} {}", kind, ref.id);
  return fmt::format("{} ({} {})", ref.name, kind, ref.id);
}

bool locked_by_us(const genesys::Flow& flow, const std::string& client_id) {
  return flow.locked_client && !client_id.empty() && flow.locked_client->id == client_id;
}

// Who holds the flow's lock when it is not this client; nullopt otherwise.
std::optional<std::string> other_lock_holder(const genesys::Flow& flow, const std::string& client_id) {
  if (locked_by_us(flow, client_id)) return std::nullopt;
  if (flow.locked_user) return describe_ref(*flow.locked_user, "user");
  if (flow.locked_client) return describe_ref(*flow.locked_client, "client");
  return std::nullopt;
}

std::string version_after(const genesys::Flow& flow) {
  if (flow.checked_in_version && !flow.checked_in_version->id.empty()) return flow.checked_in_version->id;
  return source::observed_version_of(flow);
}

std::string short_fingerprint(const std::string& fingerprint) { return fingerprint.substr(0, 12); }

std::string describe_edit(const plan::Edit& edit) {
  return fmt::format("{} '{}' ({})", plan::to_string(edit.kind), edit.module_name, edit.reason);
}

// Waits for an asynchronous operation (check-in, publish) to finish and
// throws when it failed.
genesys::Operation finish_operation(Context& ctx, const std::string& flow_id, genesys::Operation op,
                                    const char* what) {
  if (!op.complete) op = ctx.api.wait_for_operation(flow_id, op.id, ctx.options.operation_timeout);
  if (op.action_status == "FAILURE") {
    std::string message = op.error_message.empty() ? "no message" : op.error_message;
    if (!op.error_code.empty()) message += fmt::format(" [{}]", op.error_code);
    throw std::runtime_error(fmt::format("{} failed: {}", what, message));
  }
  return op;
}

class FlowRun {
 public:
  FlowRun(Context& ctx, const plan::FlowPlan& plan, FlowOutcome& out) : ctx_(ctx), plan_(plan), out_(out) {}

  void run() {
    std::optional<LockGuard> guard;
    bool checked_in = false;
    std::string step = "lock-check";
    try {
      if (!ctx_.modules_error.empty()) {
        step = "modules";
        throw std::runtime_error(ctx_.modules_error);
      }
      genesys::Flow flow = ctx_.api.get_flow(plan_.flow_id);
      if (flow.current_operation) last_operation_id_ = flow.current_operation->id;
      bool already_ours = locked_by_us(flow, ctx_.client_id);
      if (auto holder = other_lock_holder(flow, ctx_.client_id)) {
        if (!ctx_.options.force_unlock) throw Skip{FlowOutcome::Status::SkippedLocked, step, "locked by " + *holder, "locked"};
        step = "force-unlock";
        ctx_.api.unlock(plan_.flow_id);
        record(step, "ok", "", "broke the lock of " + *holder);
      } else {
        record(step, "ok", source::observed_version_of(flow), already_ours ? "already locked by this client" : "");
      }

      step = "checkout";
      if (!already_ours) ctx_.api.checkout(plan_.flow_id);
      guard.emplace(ctx_.api, plan_.flow_id,
                    [this](const std::string& s, bool ok, const std::string& message) {
                      record(s, ok ? "ok" : "failed", "", message);
                    },
                    &out_.cleanup_errors);
      record(step, "ok", "", already_ours ? "kept this client's existing lock" : "");

      step = "reread";
      const std::string original = ctx_.api.latest_configuration(plan_.flow_id);
      flowdoc::Document document = flowdoc::Document::parse(original, source::flow_source_name(plan_.flow_name, plan_.flow_id));
      const std::string fingerprint = document.fingerprint();
      if (plan_.fingerprint.empty())
        throw std::runtime_error("the plan records no fingerprint for this flow; re-run plan");
      if (fingerprint != plan_.fingerprint)
        throw Skip{FlowOutcome::Status::SkippedStale, step,
                   fmt::format("changed since the plan (fingerprint {} planned, {} now); re-run plan",
                               short_fingerprint(plan_.fingerprint), short_fingerprint(fingerprint)),
                   "stale"};
      record(step, "ok", plan_.observed_version, "fingerprint " + short_fingerprint(fingerprint));

      step = "backup";
      fs::path backup = write_backup(ctx_.flowlink_dir, plan_.flow_id, plan_.observed_version, ctx_.now(), original);
      out_.backup_path = backup.string();
      record(step, "ok", plan_.observed_version, backup.string());

      step = "edit";
      plan::apply_edits(document, plan_, ctx_.ids);
      record(step, "ok", "", fmt::format("{} edit(s)", plan_.edits.size()));

      step = "save";
      genesys::FlowVersionInfo saved = save(document);
      guard->mark_saved();
      out_.saved_version = saved.id;
      record(step, "ok", saved.id, "");

      step = "checkin";
      genesys::Operation checkin =
          start_operation("checkin", "CHECKIN", [this] { return ctx_.api.checkin(plan_.flow_id); });
      finish_operation(ctx_, plan_.flow_id, checkin, "check-in");
      last_operation_id_ = checkin.id;
      guard->dismiss();  // a successful check-in unlocks the flow
      checked_in = true;
      record(step, "ok", saved.id, "");

      if (plan_.publish) {
        step = "publish";
        genesys::Operation publish =
            start_operation("publish", "PUBLISH", [this] { return ctx_.api.publish(plan_.flow_id); });
        finish_operation(ctx_, plan_.flow_id, publish, "publish");
        out_.published = true;
        record(step, "ok", "", "");
      }

      step = "verify";
      try {
        verify();
      } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("verification failed: {}", e.what()));
      }
      record(step, "ok", out_.version_after, "re-plan finds no edits");
      out_.status = FlowOutcome::Status::Applied;
    } catch (const Skip& skip) {
      out_.status = skip.status;
      out_.step = skip.step;
      out_.reason = skip.reason;
      record(skip.step, skip.journal_outcome, "", skip.reason);
    } catch (const std::exception& e) {
      out_.status = FlowOutcome::Status::Failed;
      out_.step = step;
      out_.reason = e.what();
      record(step, "failed", "", e.what());
    }
    if (guard) guard->release();  // no-op after a successful check-in
    if (checked_in && out_.status == FlowOutcome::Status::Failed) release_leftover_lock();
    record("result", to_string(out_.status), out_.version_after, out_.reason);
  }

 private:
  // Saves, or finds out whether a save whose answer was lost landed: while we
  // hold the lock nobody else can save, so the latest configuration is ours
  // exactly when it is the document we sent. Never saves twice.
  genesys::FlowVersionInfo save(const flowdoc::Document& document) {
    const std::string text = document.serialize();
    const std::string sent = document.fingerprint();
    for (int attempt = 1;; ++attempt) {
      try {
        return ctx_.api.save_version(plan_.flow_id, text);
      } catch (const genesys::ApiError& e) {
        if (!e.outcome_unknown() || attempt >= kUnknownOutcomeAttempts) throw;
        record("save", "unknown", "", e.what());
        const std::string latest = ctx_.api.latest_configuration(plan_.flow_id);
        if (flowdoc::Document::parse(latest, "the latest configuration").fingerprint() == sent) {
          genesys::Flow flow = ctx_.api.get_flow(plan_.flow_id);
          record("save", "reconciled", "", "the latest configuration is the document sent: the save landed");
          return flow.saved_version.value_or(genesys::FlowVersionInfo{});
        }
        record("save", "reconciled", "", "the save did not land; saving again");
      }
    }
  }

  // Starts a check-in or publish (`start` sends it), or finds out whether
  // one whose answer was lost started: the flow's currentOperation is then a
  // new operation of that kind (not the one seen before it). Never starts it twice.
  genesys::Operation start_operation(const char* step, std::string_view action_name,
                                     const std::function<genesys::Operation()>& start) {
    for (int attempt = 1;; ++attempt) {
      try {
        return start();
      } catch (const genesys::ApiError& e) {
        if (!e.outcome_unknown() || attempt >= kUnknownOutcomeAttempts) throw;
        record(step, "unknown", "", e.what());
        genesys::Flow flow = ctx_.api.get_flow(plan_.flow_id);
        const auto& op = flow.current_operation;
        if (op && op->action_name == action_name && op->id != last_operation_id_) {
          record(step, "reconciled", "", fmt::format("operation {} is under way: the request landed", op->id));
          return *op;
        }
        record(step, "reconciled", "", "no new operation: the request did not land; sending it again");
      }
    }
  }

  // Re-reads the flow and re-plans it: the applied change must leave nothing to do.
  void verify() {
    const std::string text = ctx_.api.latest_configuration(plan_.flow_id);
    genesys::Flow flow = ctx_.api.get_flow(plan_.flow_id);
    out_.version_after = version_after(flow);
    plan::ObservedFlow observed;
    observed.id = plan_.flow_id;
    observed.name = flow.name.empty() ? plan_.flow_name : flow.name;
    observed.type = plan_.flow_type;
    observed.version = source::observed_version_of(flow);
    observed.published = flow.published_version.has_value();
    observed.document = flowdoc::Document::parse(text, source::flow_source_name(observed.name, observed.id));
    plan::FlowPlan again = plan::plan_flow(ctx_.desired, observed, *ctx_.modules, ctx_.options.plan_options);
    if (!again.errors.empty())
      throw std::runtime_error(fmt::format("the re-plan has errors: {}", fmt::join(again.errors, "; ")));
    if (!again.edits.empty()) {
      std::vector<std::string> edits;
      for (const auto& edit : again.edits) edits.push_back(describe_edit(edit));
      throw std::runtime_error(
          fmt::format("the re-plan still asks for {} edit(s): {}", again.edits.size(), fmt::join(edits, "; ")));
    }
    if (locked_by_us(flow, ctx_.client_id))
      throw std::runtime_error("the flow is still locked by this client after check-in");
  }

  // After a check-in, a failed publish or verification must not leave our
  // lock behind either (an emulator or org that locks for publishing).
  void release_leftover_lock() {
    try {
      genesys::Flow flow = ctx_.api.get_flow(plan_.flow_id);
      if (!locked_by_us(flow, ctx_.client_id)) return;
      ctx_.api.unlock(plan_.flow_id);
      record("unlock", "ok", "", "released the lock left after a failure");
    } catch (const std::exception& e) {
      out_.cleanup_errors.push_back(fmt::format("unlock: {}", e.what()));
      record("unlock", "failed", "", e.what());
    }
  }

  void record(const std::string& step, const std::string& outcome, const std::string& version,
              const std::string& message) {
    ctx_.journal.record({plan_.flow_id, plan_.flow_name, step, outcome, version, message});
    std::string line = fmt::format("  {}: {} {}", plan_.flow_name, step, outcome);
    if (!version.empty()) line += fmt::format(" (version {})", version);
    if (!message.empty() && outcome != "ok") line += ": " + message;
    ctx_.progress(line);
  }

  // A state-changing call whose answer is lost is reconciled, then sent
  // again if it did not land, at most this many times in all
  static constexpr int kUnknownOutcomeAttempts = 7;  // as many tries as the client gives a lost GET
  std::string last_operation_id_;  // the flow's currentOperation before ours
  Context& ctx_;
  const plan::FlowPlan& plan_;
  FlowOutcome& out_;
};

std::string make_run_id(std::chrono::system_clock::time_point now) {
  std::random_device random;
  return fmt::format("{}-{:06x}", compact_utc(now), random() & 0xffffff);
}

FlowOutcome outcome_shell(const plan::FlowPlan& flow) {
  FlowOutcome out;
  out.flow_id = flow.flow_id;
  out.flow_name = flow.flow_name;
  out.flow_type = flow.flow_type;
  out.edits = static_cast<int>(flow.edits.size());
  out.version_before = flow.observed_version;
  return out;
}

}  // namespace

ApplyReport apply_plan(genesys::FlowApi& api, const plan::Plan& plan, const manifest::DesiredState& desired,
                       const ApplyOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const genesys::RequestStats stats_before = api.stats();
  Clock now = options.now ? options.now : Clock([] { return std::chrono::system_clock::now(); });

  ApplyReport report;
  report.run_id = options.run_id.empty() ? make_run_id(now()) : options.run_id;
  report.plan_errors = plan.errors;
  const fs::path flowlink_dir = options.work_dir / ".flowlink";
  Journal journal(flowlink_dir / "journal.jsonl", report.run_id, now);
  report.journal_path = journal.path().string();

  // Ids are drawn from several workers at once; the source itself need not be thread-safe.
  auto id_mutex = std::make_shared<std::mutex>();
  flowdoc::IdSource base_ids = options.ids ? options.ids : flowdoc::random_uuid_source();
  flowdoc::IdSource ids = [base_ids, id_mutex] {
    std::lock_guard<std::mutex> lock(*id_mutex);
    return base_ids();
  };

  Context ctx(api, desired, options, journal, now, ids, flowlink_dir);
  ctx.client_id = api.client_id();

  std::vector<std::size_t> to_apply;
  report.flows.reserve(plan.flows.size());
  for (std::size_t i = 0; i < plan.flows.size(); ++i) {
    const plan::FlowPlan& flow = plan.flows[i];
    FlowOutcome out = outcome_shell(flow);
    if (!flow.errors.empty()) {
      out.status = FlowOutcome::Status::Failed;
      out.step = "plan";
      out.reason = fmt::format("{}", fmt::join(flow.errors, "; "));
    } else if (flow.edits.empty()) {
      out.status = FlowOutcome::Status::Unchanged;
    } else {
      to_apply.push_back(i);
    }
    report.flows.push_back(std::move(out));
  }
  journal.record({"", "", "run-start", "ok", "",
                  fmt::format("{} flow(s) in the plan, {} with edits", plan.flows.size(), to_apply.size())});
  for (const auto& out : report.flows)
    if (out.status == FlowOutcome::Status::Failed)
      journal.record({out.flow_id, out.flow_name, "plan", "failed", "", out.reason});

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

  genesys::parallel_for(to_apply.size(), std::max(1, options.parallelism), [&](std::size_t k) {
    const std::size_t i = to_apply[k];
    FlowRun(ctx, plan.flows[i], report.flows[i]).run();
  });

  report.stats = source::stats_delta(api.stats(), stats_before);
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  journal.record({"", "", "run-end", report.ok() ? "ok" : "failed", "",
                  fmt::format("applied {}, unchanged {}, stale {}, locked {}, failed {}",
                              report.count(FlowOutcome::Status::Applied), report.count(FlowOutcome::Status::Unchanged),
                              report.count(FlowOutcome::Status::SkippedStale),
                              report.count(FlowOutcome::Status::SkippedLocked),
                              report.count(FlowOutcome::Status::Failed))});
  return report;
}

}  // namespace flowlink::apply
