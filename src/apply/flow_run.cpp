// One flow's run: the lock decision, check-out, re-read, backup, edit, save,
// check-in, publish and verification, each journalled (see applier.hpp for
// the sequence and the guarantees).
#include "apply/flow_run.hpp"

#include <exception>
#include <functional>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "apply/backup.hpp"
#include "apply/lock_guard.hpp"
#include "genesys/vocabulary.hpp"
#include "source/org_source.hpp"
#include "util/terminal_text.hpp"

namespace flowlink::apply::detail {

namespace fs = std::filesystem;

namespace {

// A flow that is skipped rather than failed (locked by someone, stale).
struct Skip {
  FlowOutcome::Status status;
  std::string step;
  std::string reason;
  std::string journal_outcome;  // "locked" / "stale"
};

std::string describe_ref(const genesys::EntityRef& ref, const char* kind) {
  if (ref.name.empty()) return fmt::format("{} {}", kind, ref.id);
  return fmt::format("{} ({} {})", ref.name, kind, ref.id);
}

bool locked_by_client(const genesys::Flow& flow, const std::string& client_id) {
  return flow.locked_client && !client_id.empty() && flow.locked_client->id == client_id;
}

std::string short_fingerprint(const std::string& fingerprint) { return fingerprint.substr(0, 12); }

std::string describe_edit(const plan::Edit& edit) {
  return fmt::format("{} '{}' ({})", plan::to_string(edit.kind), edit.module_name, edit.reason);
}

struct Cancelled {};

class FlowRun {
 public:
  FlowRun(Context& ctx, const plan::FlowPlan& plan, FlowOutcome& out) : ctx_(ctx), plan_(plan), out_(out) {}

  void run() {
    std::string step = "lock-check";
    try {
      if (!ctx_.modules_error.empty()) {
        step = "modules";
        throw std::runtime_error(ctx_.modules_error);
      }
      // Held until the end of run(), after the lock is given back.
      claim_.emplace(ctx_.options.work_dir, plan_.flow_id);
      if (!claim_->held()) {
        if (claim_->error() != "busy") throw std::runtime_error(claim_->error());
        throw Skip{FlowOutcome::Status::SkippedLocked, step,
                   "another flowlink run in this work dir is applying this flow right now; left to it", "locked"};
      }
      genesys::Flow flow = ctx_.api.get_flow(plan_.flow_id);
      if (flow.current_operation && !flow.current_operation->complete) {
        // Someone's check-in or publish (or a killed run's) is under way:
        // nothing can be done to the flow until it ends; then judge anew.
        step = "wait";
        const std::string running = flow.current_operation->id;
        record(step, "started", "", fmt::format("operation {} ({}) is under way", running,
                                                flow.current_operation->action_name));
        genesys::OperationWait wait =
            ctx_.api.wait_for_operation(plan_.flow_id, running, ctx_.options.operation_timeout);
        flow = wait.replaced ? wait.flow : ctx_.api.get_flow(plan_.flow_id);
        record(step, "ok", "", fmt::format("operation {} ended", running));
        step = "lock-check";
      }
      if (flow.current_operation) last_operation_id_ = flow.current_operation->id;
      const bool already_ours = take_lock_decision(flow, step);

      if (!plan_.actionable()) {
        // Nothing to apply, but an interrupted run's lock to give back.
        if (already_ours) {
          step = "unlock";
          ctx_.api.unlock(plan_.flow_id);
          record(step, "ok", "", "released the lock an interrupted run left");
        }
        return;  // the status decided before the run stands (unchanged, skipped_draft)
      }
      switch (plan_.action) {
        case plan::FlowAction::Edit:
        case plan::FlowAction::Republish:  // the same locked path with no edit: a new version, published
          check_cancel();
          checkout(already_ours, step);
          edit(step);
          break;
        case plan::FlowAction::Resume: resume(flow, already_ours, step); break;
        case plan::FlowAction::PublishDraft: publish_draft(flow, step); break;
        default: throw std::logic_error("not an action apply takes");
      }
      out_.status = FlowOutcome::Status::Applied;
    } catch (const Skip& skip) {
      out_.status = skip.status;
      out_.step = skip.step;
      out_.reason = skip.reason;
      record(skip.step, skip.journal_outcome, "", skip.reason);
    } catch (const Cancelled&) {
      out_.status = FlowOutcome::Status::Cancelled;
      out_.step = step;
      out_.reason = "the run was cancelled before this flow was saved; its lock was released";
      record(step, "cancelled", "", out_.reason);
    } catch (const std::exception& e) {
      out_.status = FlowOutcome::Status::Failed;
      out_.step = step;
      out_.reason = e.what();
      record(step, "failed", "", e.what());
    }
    if (guard_) guard_->release();  // no-op after a successful check-in
    if (lock_possible_ && out_.status != FlowOutcome::Status::Applied) release_leftover_lock();
    record("result", to_string(out_.status), out_.version_after, out_.reason);
  }

 private:
  // Whose lock is it? Returns true when this run may use the lock this
  // client already holds (an interrupted run's); throws Skip when the flow
  // is someone else's for now.
  bool take_lock_decision(const genesys::Flow& flow, const std::string& step) {
    std::string holder;
    if (locked_by_client(flow, ctx_.client_id)) {
      auto checkout = ctx_.history.checkout(plan_.flow_id);
      if (checkout && checkout->running) {
        throw Skip{FlowOutcome::Status::SkippedLocked, step,
                   fmt::format("locked by flowlink run {}, which is still running (same OAuth client); "
                               "left to it",
                               checkout->run_id),
                   "locked"};
      }
      if (checkout) {
        record(step, "ok", source::observed_version_of(flow),
               fmt::format("locked by flowlink run {}, which was interrupted: taking it over", checkout->run_id));
        return true;
      }
      holder = "this OAuth client, in no run this work dir's journal records (another machine or work dir?)";
    } else if (flow.locked_user) {
      holder = describe_ref(*flow.locked_user, "user");
    } else if (flow.locked_client) {
      holder = describe_ref(*flow.locked_client, "client");
    }
    if (holder.empty()) {
      record(step, "ok", source::observed_version_of(flow), "");
      return false;
    }
    if (!ctx_.options.force_unlock)
      throw Skip{FlowOutcome::Status::SkippedLocked, step, "locked by " + holder, "locked"};
    if (locked_by_client(flow, ctx_.client_id)) {
      record("force-unlock", "ok", "", "taking over the lock of " + holder);
      return true;
    }
    ctx_.api.unlock(plan_.flow_id);
    record("force-unlock", "ok", "", "broke the lock of " + holder);
    return false;
  }

  void check_cancel() {
    if (ctx_.options.cancel && ctx_.options.cancel->load()) throw Cancelled{};
  }

  // Takes the flow's lock. Journalled before it is sent, and guarded
  // before it is sent: a check-out whose answer is lost may still have
  // locked the flow, so the guard finds out by reading and gives it back.
  // `maybe_saved`: an interrupted run's lock may come with its saved draft
  // (released by a revert then); false when the flow shows none.
  void checkout(bool already_ours, std::string& step, bool maybe_saved = true) {
    step = "checkout";
    lock_possible_ = true;
    if (already_ours) {
      start_guard(maybe_saved);
      record(step, "ok", "", "kept this client's existing lock");
      return;
    }
    record(step, "started", "", "");
    try {
      locked_flow_ = ctx_.api.checkout(plan_.flow_id);
    } catch (const genesys::ApiError& e) {
      // Did it land? Only a lock that is ours now may be kept.
      genesys::Flow flow = ctx_.api.get_flow(plan_.flow_id);
      if (!locked_by_client(flow, ctx_.client_id)) {
        lock_possible_ = e.status() == 0 || e.status() >= 500;
        throw;
      }
      record(step, "reconciled", "", fmt::format("the check-out's answer was lost ({}), but the lock is ours", e.what()));
      locked_flow_ = std::move(flow);
    }
    start_guard(false);
    record(step, "ok", "", "");
  }

  void start_guard(bool saved) {
    guard_.emplace(ctx_.api, plan_.flow_id,
                   [this](const std::string& s, bool ok, const std::string& message) {
                     record(s, ok ? "ok" : "failed", "", message);
                   },
                   &out_.cleanup_errors);
    if (saved) guard_->mark_saved();
  }

  // The latest configuration must be the plan's basis: the same version
  // and the same content. Anything else means someone changed the flow.
  // The flow's versions come from the check-out's answer when there is one
  // (it is the flow as it is under our lock); else from a read.
  std::string reread(std::string& step) {
    step = "reread";
    genesys::Flow flow = locked_flow_ ? *std::exchange(locked_flow_, std::nullopt) : ctx_.api.get_flow(plan_.flow_id);
    const std::string latest_version = source::observed_version_of(flow);
    const std::string text = ctx_.api.latest_configuration(plan_.flow_id);
    const std::string fingerprint = flowdoc::Document::text_fingerprint(text);
    if (plan_.fingerprint.empty())
      throw std::runtime_error("the plan records no fingerprint for this flow; re-run plan");
    if (!plan_.observed_version.empty() && latest_version != plan_.observed_version)
      throw Skip{FlowOutcome::Status::SkippedStale, step,
                 fmt::format("changed since the plan: the latest version is {}, the plan was made on {}; re-run plan",
                             latest_version.empty() ? "none" : latest_version, plan_.observed_version),
                 "stale"};
    if (fingerprint != plan_.fingerprint)
      throw Skip{FlowOutcome::Status::SkippedStale, step,
                 fmt::format("changed since the plan (fingerprint {} planned, {} now); re-run plan",
                             short_fingerprint(plan_.fingerprint), short_fingerprint(fingerprint)),
                 "stale"};
    record(step, "ok", plan_.observed_version, "fingerprint " + short_fingerprint(fingerprint));
    return text;
  }

  // The flow is locked already (checkout).
  void edit(std::string& step) {
    const std::string original = reread(step);
    flowdoc::Document document =
        flowdoc::Document::parse(original, source::flow_source_name(plan_.flow_name, plan_.flow_id));

    step = "backup";
    fs::path backup = write_backup(ctx_.flowlink_dir, plan_.flow_id, plan_.observed_version, ctx_.now(), original);
    out_.backup_path = backup.string();
    record(step, "ok", plan_.observed_version, backup.string());

    step = "edit";
    require_manifest_demands(document);
    plan::apply_edits(document, plan_, ctx_.ids);
    record(step, "ok", "", fmt::format("{} edit(s) on the {} version", plan_.edits.size(), plan::to_string(plan_.basis)));

    check_cancel();  // the last moment to stop without leaving anything behind
    step = "save";
    genesys::FlowVersionInfo saved = save(document);
    guard_->mark_saved();
    out_.saved_version = saved.id;

    checkin_and_finish(saved.id, step);
  }

  // Check in, then publish (when the plan says so) and verify. The publish
  // is sent when a check-in typically has ended, without a read to see that
  // it has: Genesys refuses a publish while another operation runs on the
  // flow, or of a version that is not checked in. Only on such a refusal is
  // the check-in waited for (and its failure, if it failed, reported) and
  // the publish sent again.
  void checkin_and_finish(const std::string& version, std::string& step) {
    step = "checkin";
    genesys::Operation op = start_operation("checkin", genesys::operation::kCheckin, [this] { return ctx_.api.checkin(plan_.flow_id); });
    last_operation_id_ = op.id;
    if (!plan_.publish || op.complete) {
      await_checkin(op, version);
      finish(version, step);
      return;
    }
    ctx_.api.pause_for_operation(plan_.flow_id, op.id);
    step = "publish";
    std::optional<genesys::Operation> published;
    try {
      published = start_operation("publish", genesys::operation::kPublish,
                                  [&] { return ctx_.api.publish(plan_.flow_id, version); });
    } catch (const genesys::ApiError& e) {
      if (e.outcome_unknown() || e.status() == 0 || e.status() >= 500) throw;
      record(step, "refused", version, fmt::format("{}: waiting for the check-in first", e.what()));
    }
    step = "checkin";
    if (!published) {
      await_checkin(op, version);
      finish(version, step);
      return;
    }
    guard_->dismiss();  // the check-in ended (a publish was accepted after it), unlocking the flow
    record(step, "ok", version, "ended before the publish was accepted");
    finish(version, step, *published);
  }

  // A saved plan is a file anyone could edit: apply carries out only what
  // the manifest, re-planned against the document just re-read, demands of
  // it too. The planner is deterministic, so for the document the plan was
  // made on (the fingerprints matched) the two agree exactly; anything else
  // (an edit injected or altered in the plan file) refuses the flow.
  void require_manifest_demands(const flowdoc::Document& document) {
    plan::ObservedFlow observed;
    observed.id = plan_.flow_id;
    observed.name = plan_.flow_name;
    observed.type = plan_.flow_type;
    observed.version = plan_.observed_version;
    observed.published = true;
    observed.document = document;
    const plan::FlowPlan again = plan::plan_flow(ctx_.desired, observed, *ctx_.modules, ctx_.options.plan_options);
    auto key = [](const plan::Edit& e) {
      std::string k = fmt::format("{}|{}|{}|{}|{}|{}|{}", plan::to_string(e.kind), e.module_key, e.module_id,
                                  e.action_id, static_cast<int>(e.insertion.kind), e.insertion.task_name,
                                  e.insertion.action_id);
      for (const auto& [name, value] : e.inputs) k += "|in:" + name + "=" + value;
      for (const auto& [name, value] : e.outputs) k += "|out:" + name + "=" + value;
      return k;
    };
    std::vector<std::string> planned, demanded;
    for (const auto& edit : plan_.edits) planned.push_back(key(edit));
    for (const auto& edit : again.edits) demanded.push_back(key(edit));
    if (!again.errors.empty() || planned != demanded)
      throw std::runtime_error(fmt::format(
          "the plan's {} edit(s) for this flow are not what the manifest asks of its document ({} edit(s){}): the "
          "plan file was altered, or made with other manifests; nothing was saved. Plan again",
          planned.size(), demanded.size(),
          again.errors.empty() ? std::string() : "; " + fmt::format("{}", fmt::join(again.errors, "; "))));
  }

  // flowlink's own draft, left by an interrupted run: check it in if it is
  // only saved, then publish it if that run meant to.
  void resume(const genesys::Flow& flow, bool already_ours, std::string& step) {
    const bool lock_only = !plan_.draft;
    // The stage as the flow shows it now: the killed run's own check-in or
    // publish may have finished since the plan.
    const std::string version = lock_only ? std::string() : plan_.draft->version;
    const bool saved = !lock_only && flow.saved_version && flow.saved_version->id == version;
    if (!lock_only && flow.published_version && flow.published_version->id == version) {
      reread(step);
      step = "verify";
      out_.published = plan_.publish;
      if (!plan_.publish) out_.pending_publish = true;
      record(step, "started", version, "the interrupted run's version is already published");
      verify(version);
      return;
    }
    if (saved || lock_only || already_ours) {
      checkout(already_ours, step, saved);
      if (saved) guard_->mark_saved();
    }
    reread(step);
    if (lock_only) {
      // Nothing was saved: the run died holding only the lock.
      step = "unlock";
      guard_->release();
      guard_.reset();
      record(step, "ok", "", "released the lock an interrupted run left");
      verify_current(step, flow.published_version ? flow.published_version->id : "");
      return;
    }
    if (saved) {
      checkin(version, step);
    } else if (guard_) {
      // Checked in already, but the interrupted run's lock is still ours: give it back.
      step = "unlock";
      guard_->release();
      guard_.reset();
      record(step, "ok", "", "released the lock an interrupted run left");
    }
    finish(version, step);
  }

  // Someone's draft, published as it is (unpublished: publish).
  void publish_draft(const genesys::Flow& flow, std::string& step) {
    if (!plan_.draft) throw std::logic_error("publish_draft without a draft");
    if (plan_.draft->stage == plan::DraftState::Stage::Saved)
      throw std::runtime_error(fmt::format(
          "the draft (version {}) is saved but not checked in: only its author can check it in before it is published",
          plan_.draft->version));
    reread(step);
    finish(plan_.draft->version, step);
  }

  void checkin(const std::string& version, std::string& step) {
    step = "checkin";
    genesys::Operation op = start_operation("checkin", genesys::operation::kCheckin, [this] { return ctx_.api.checkin(plan_.flow_id); });
    await_checkin(op, version);
  }

  void await_checkin(const genesys::Operation& op, const std::string& version) {
    await(op, "check-in", [&](const genesys::Flow& flow) {
      return (flow.checked_in_version && flow.checked_in_version->id == version) ||
             (flow.published_version && flow.published_version->id == version);
    });
    guard_->dismiss();  // a successful check-in unlocks the flow
    record("checkin", "ok", version, "");
  }

  // Publish (when the plan says so) the version we checked in, then verify.
  // `started`: the publish, already sent.
  void finish(const std::string& version, std::string& step, std::optional<genesys::Operation> started = std::nullopt) {
    if (plan_.publish) {
      step = "publish";
      genesys::Operation op = started ? *started : start_operation("publish", genesys::operation::kPublish, [&] { return ctx_.api.publish(plan_.flow_id, version); });
      await(op, "publish", [&](const genesys::Flow& flow) {
        return flow.published_version && flow.published_version->id == version;
      });
      out_.published = true;
      record(step, "ok", version, "");
    } else {
      out_.pending_publish = true;
    }
    step = "verify";
    verify(version);
  }

  // Waits for our operation by its id. When someone else's operation took
  // its place, the flow's versions say whether ours landed.
  void await(genesys::Operation op, const char* what, const std::function<bool(const genesys::Flow&)>& landed) {
    last_operation_id_ = op.id;
    settled_flow_.reset();
    if (op.complete && op.action_status != genesys::operation::kFailure) return;
    if (!op.complete) {
      genesys::OperationWait wait = ctx_.api.wait_for_operation(plan_.flow_id, op.id, ctx_.options.operation_timeout);
      // Read after ours ended: what verify needs to know of the flow (not
      // when someone's operation has taken its place: read again then).
      if (!wait.replaced) settled_flow_ = wait.flow;
      if (wait.replaced) {
        const std::string by = wait.flow.current_operation
                                   ? fmt::format("operation {} ({})", wait.flow.current_operation->id,
                                                 wait.flow.current_operation->action_name)
                                   : std::string("no operation");
        if (landed(wait.flow)) {
          record(what, "reconciled", "", fmt::format("replaced by {}; the flow's versions show ours landed", by));
          return;
        }
        throw std::runtime_error(fmt::format("{} did not land: {} replaced it and the flow's versions do not show ours",
                                             what, by));
      }
      op = wait.operation;
    }
    if (op.action_status == genesys::operation::kFailure) {
      std::string message = op.error_message.empty() ? "no message" : op.error_message;
      if (!op.error_code.empty()) message += fmt::format(" [{}]", op.error_code);
      throw std::runtime_error(fmt::format("{} failed: {}", what, message));
    }
  }

  // Saves, or finds out whether a save whose answer was lost landed: while we
  // hold the lock nobody else can save, so the latest configuration is ours
  // exactly when it is the document we sent. Never saves twice.
  genesys::FlowVersionInfo save(const flowdoc::Document& document) {
    const std::string text = document.serialize();
    const std::string sent = document.fingerprint();
    // Journalled before it is sent: a run killed before the answer is
    // journalled still owns the version it saved (RunHistory).
    record_save("", "started", "");
    for (int attempt = 1;; ++attempt) {
      try {
        genesys::FlowVersionInfo saved = ctx_.api.save_version(plan_.flow_id, text);
        record_save(saved.id, "ok", "");
        return saved;
      } catch (const genesys::ApiError& e) {
        if (!e.outcome_unknown() || attempt >= kUnknownOutcomeAttempts) throw;
        record("save", "unknown", "", e.what());
        const std::string latest = ctx_.api.latest_configuration(plan_.flow_id);
        if (flowdoc::Document::parse(latest, "the latest configuration").fingerprint() == sent) {
          genesys::Flow flow = ctx_.api.get_flow(plan_.flow_id);
          genesys::FlowVersionInfo saved = flow.saved_version.value_or(genesys::FlowVersionInfo{});
          record_save(saved.id, "reconciled", "the latest configuration is the document sent: the save landed");
          return saved;
        }
        record("save", "reconciled", "", "the save did not land; saving again");
      }
    }
  }

  void record_save(const std::string& version, const std::string& outcome, const std::string& message) {
    JournalEntry entry{plan_.flow_id, plan_.flow_name, "save", outcome, version, message};
    entry.publish = plan_.publish;
    ctx_.journal.record(entry);
    progress_line("save", outcome, version, message);
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

  // What went live (or, without publish, what was checked in) must plan
  // to nothing.
  // The flow as the wait for our last operation read it once that ended is
  // the flow as it is now: not read again.
  void verify(const std::string& version) {
    genesys::Flow flow = settled_flow_ ? *std::exchange(settled_flow_, std::nullopt) : ctx_.api.get_flow(plan_.flow_id);
    std::string text;
    if (plan_.publish) {
      const std::string live = flow.published_version ? flow.published_version->id : "";
      if (live != version)
        throw std::runtime_error(fmt::format("verification failed: the published version is {}, not the {} published",
                                             live.empty() ? "none" : live, version));
      text = ctx_.api.version_configuration(plan_.flow_id, live);
    } else {
      text = ctx_.api.version_configuration(plan_.flow_id, version);
    }
    out_.version_after = version;
    replan(flow, text);
    if (plan_.publish) verify_modules_current(flow);
    if (locked_by_client(flow, ctx_.client_id))
      throw std::runtime_error("verification failed: the flow is still locked by this client after check-in");
    record("verify", "ok", version, plan_.publish ? "the published version plans to no edits"
                                                  : "the checked-in version plans to no edits (not published)");
  }

  // Each module the plan found stale must now be older than the flow's
  // new publish: the flow snapshotted the module's latest version.
  void verify_modules_current(const genesys::Flow& flow) {
    if (plan_.stale.empty()) return;
    const std::string published = flow.published_version ? flow.published_version->date_published : "";
    for (const auto& stale : plan_.stale) {
      const auto* module = find_module(stale.module_id);
      const std::string module_date =
          module && module->lifecycle ? module->lifecycle->published_date : stale.module_published;
      if (published.empty() || published < module_date)
        throw std::runtime_error(fmt::format(
            "verification failed: module '{}' was published {} but the flow's published version is from {}: it "
            "still runs an older snapshot",
            stale.module_name, module_date, published.empty() ? "never" : published));
    }
    record("verify", "ok", "", fmt::format("{} module(s) current", plan_.stale.size()));
  }

  const plan::ObservedFlow* find_module(const std::string& id) const {
    for (const auto& module : *ctx_.modules)
      if (module.id == id) return &module;
    return nullptr;
  }

  // After releasing a lock only: what callers run must already comply.
  void verify_current(std::string& step, const std::string& published) {
    step = "verify";
    genesys::Flow flow = ctx_.api.get_flow(plan_.flow_id);
    const std::string text = published.empty() ? ctx_.api.latest_configuration(plan_.flow_id)
                                               : ctx_.api.version_configuration(plan_.flow_id, published);
    out_.version_after = published;
    replan(flow, text);
    record(step, "ok", published, "plans to no edits");
  }

  void replan(const genesys::Flow& flow, const std::string& text) {
    plan::ObservedFlow observed;
    observed.id = plan_.flow_id;
    observed.name = flow.name.empty() ? plan_.flow_name : flow.name;
    observed.type = plan_.flow_type;
    observed.version = out_.version_after;
    observed.published = flow.published_version.has_value();
    observed.document = flowdoc::Document::parse(text, source::flow_source_name(observed.name, observed.id));
    plan::FlowPlan again = plan::plan_flow(ctx_.desired, observed, *ctx_.modules, ctx_.options.plan_options);
    if (!again.errors.empty())
      throw std::runtime_error(
          fmt::format("verification failed: the re-plan has errors: {}", fmt::join(again.errors, "; ")));
    if (!again.edits.empty()) {
      std::vector<std::string> edits;
      for (const auto& edit : again.edits) edits.push_back(describe_edit(edit));
      throw std::runtime_error(fmt::format("verification failed: the re-plan still asks for {} edit(s): {}",
                                           again.edits.size(), fmt::join(edits, "; ")));
    }
  }

  // After a failure a lock of ours may be left (a check-in that did not
  // unlock, a check-out whose answer was lost): give it back.
  void release_leftover_lock() {
    try {
      genesys::Flow flow = ctx_.api.get_flow(plan_.flow_id);
      if (!locked_by_client(flow, ctx_.client_id)) return;
      if (flow.saved_version && out_.saved_version == flow.saved_version->id) ctx_.api.revert(plan_.flow_id);
      else ctx_.api.unlock(plan_.flow_id);
      record("unlock", "ok", "", "released the lock left after a failure");
    } catch (const std::exception& e) {
      out_.cleanup_errors.push_back(fmt::format("unlock: {}", e.what()));
      record("unlock", "failed", "", e.what());
    }
  }

  void record(const std::string& step, const std::string& outcome, const std::string& version,
              const std::string& message) {
    ctx_.journal.record({plan_.flow_id, plan_.flow_name, step, outcome, version, message});
    progress_line(step, outcome, version, message);
  }

  void progress_line(const std::string& step, const std::string& outcome, const std::string& version,
                     const std::string& message) {
    // Names, versions and messages come from the org: escaped for the terminal.
    std::string line = fmt::format("  {}: {} {}", util::terminal_safe(plan_.flow_name), step, outcome);
    if (!version.empty()) line += fmt::format(" (version {})", util::terminal_safe(version));
    if (!message.empty() && outcome != "ok") line += ": " + util::terminal_safe(message);
    ctx_.step_line(line);
  }

  // A state-changing call whose answer is lost is reconciled, then sent
  // again if it did not land, at most this many times in all
  static constexpr int kUnknownOutcomeAttempts = 7;  // as many tries as the client gives a lost GET
  std::string last_operation_id_;  // the flow's currentOperation before ours
  std::optional<genesys::Flow> locked_flow_;   // the check-out's answer, until the re-read uses it
  std::optional<genesys::Flow> settled_flow_;  // the flow as read when our last operation ended
  std::optional<FlowClaim> claim_;
  std::optional<LockGuard> guard_;
  bool lock_possible_ = false;  // a check-out was sent: a lock of ours may exist
  Context& ctx_;
  const plan::FlowPlan& plan_;
  FlowOutcome& out_;
};

}  // namespace

void run_flow(Context& ctx, const plan::FlowPlan& plan, FlowOutcome& out) { FlowRun(ctx, plan, out).run(); }

}  // namespace flowlink::apply::detail
