// `restore`: a backed-up document back into its flow (see restore.hpp).
#include "apply/restore.hpp"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "apply/backup.hpp"
#include "apply/journal.hpp"
#include "apply/lock_guard.hpp"
#include "apply/run_history.hpp"
#include "flowdoc/document.hpp"
#include "source/org_source.hpp"
#include "util/ascii.hpp"
#include "util/terminal_text.hpp"

namespace flowlink::apply {

namespace fs = std::filesystem;

namespace {

// Real flow documents are a few MB at most; a larger file is no backup of ours.
constexpr std::uintmax_t kMaxBackupBytes = 64u << 20;

std::string read_backup(const fs::path& backup) {
  std::error_code ec;
  const auto size = fs::file_size(backup, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot read backup '{}': {}", backup.string(), ec.message()));
  if (size > kMaxBackupBytes)
    throw std::runtime_error(fmt::format("backup '{}' is {} bytes: larger than any flow document ({} at most)",
                                         backup.string(), size, kMaxBackupBytes));
  std::ifstream in(backup, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read backup '{}'", backup.string()));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// What flowlink changes in a document: its common-module calls, where they
// stand and what they bind. The restore is verified on them (the server may
// normalise the rest of the document's text).
std::vector<std::string> call_keys(const flowdoc::Document& document) {
  std::vector<std::string> keys;
  for (const auto& call : document.module_calls()) {
    std::string key = fmt::format("{}|{}|{}|{}", call.action_id, call.module_id, call.tracking_id, call.position.describe());
    for (const auto& [name, value] : call.inputs) key += "|in:" + name + "=" + value;
    for (const auto& [name, value] : call.outputs) key += "|out:" + name + "=" + value;
    keys.push_back(std::move(key));
  }
  return keys;
}

std::string holder_of(const genesys::Flow& flow) {
  const auto& ref = flow.locked_user ? flow.locked_user : flow.locked_client;
  if (!ref) return {};
  return fmt::format("{} {}", flow.locked_user ? "user" : "client", ref->name.empty() ? ref->id : ref->name);
}

class Restore {
 public:
  Restore(genesys::FlowApi& api, const RestoreOptions& options, RestoreResult& result, Journal& journal)
      : api_(api), options_(options), result_(result), journal_(journal) {}

  void run(const flowdoc::Document& wanted, const std::string& text, const fs::path& flowlink_dir,
           std::chrono::system_clock::time_point now) {
    step_ = "checkout";
    record("started", "", "");
    api_.checkout(result_.flow_id);
    guard_.emplace(api_, result_.flow_id,
                   [this](const std::string& s, bool ok, const std::string& message) {
                     journal_.record({result_.flow_id, result_.flow_name, s, ok ? "ok" : "failed", "", message});
                   },
                   &result_.cleanup_errors);
    record("ok", "", "");

    step_ = "backup";  // the document being replaced: a restore can itself be undone
    const std::string latest = api_.latest_configuration(result_.flow_id);
    result_.replaced_backup =
        write_backup(flowlink_dir, result_.flow_id, result_.version_before, now, latest).string();
    record("ok", result_.version_before, result_.replaced_backup);
    if (flowdoc::Document::parse(latest, "the latest configuration").fingerprint() == wanted.fingerprint()) {
      step_ = "unlock";
      guard_->release();
      result_.unchanged = true;
      record("ok", "", "the latest configuration is the backup's document already: nothing saved");
      return;
    }

    step_ = "save";
    journal_.record({result_.flow_id, result_.flow_name, "save", "started", "", "", options_.publish});
    const genesys::FlowVersionInfo saved = api_.save_version(result_.flow_id, text);
    guard_->mark_saved();
    result_.saved_version = saved.id;
    journal_.record({result_.flow_id, result_.flow_name, "save", "ok", saved.id, "", options_.publish});

    step_ = "checkin";
    await(api_.checkin(result_.flow_id), [&](const genesys::Flow& flow) {
      return (flow.checked_in_version && flow.checked_in_version->id == saved.id) ||
             (flow.published_version && flow.published_version->id == saved.id);
    });
    guard_->dismiss();  // a check-in unlocks the flow
    record("ok", saved.id, "");

    if (options_.publish) {
      step_ = "publish";
      await(api_.publish(result_.flow_id, saved.id), [&](const genesys::Flow& flow) {
        return flow.published_version && flow.published_version->id == saved.id;
      });
      result_.published = true;
      record("ok", saved.id, "");
    }
    verify(wanted, saved.id);
  }

  const std::string& step() const { return step_; }
  void record(const std::string& outcome, const std::string& version, const std::string& message) {
    journal_.record({result_.flow_id, result_.flow_name, step_, outcome, version, message});
    if (!options_.progress) return;
    std::string line = fmt::format("  {}: {} {}", util::terminal_safe(result_.flow_name), step_, outcome);
    if (!version.empty()) line += fmt::format(" (version {})", util::terminal_safe(version));
    if (!message.empty() && outcome != "ok") line += ": " + util::terminal_safe(message);
    *options_.progress << line << "\n" << std::flush;
  }

 private:
  // Waits for our operation by its id; when another took its place, the
  // flow's versions say whether ours landed.
  void await(genesys::Operation op, const std::function<bool(const genesys::Flow&)>& landed) {
    if (!op.complete) {
      const genesys::OperationWait wait = api_.wait_for_operation(result_.flow_id, op.id, options_.operation_timeout);
      if (wait.replaced) {
        if (landed(wait.flow)) return;
        throw std::runtime_error(fmt::format("{} did not land: another operation replaced it", step_));
      }
      op = wait.operation;
    }
    if (op.action_status == "FAILURE")
      throw std::runtime_error(fmt::format("{} failed: {}{}", step_, op.error_message.empty() ? "no message" : op.error_message,
                                           op.error_code.empty() ? "" : " [" + op.error_code + "]"));
  }

  // What went live (or was checked in) is the backup's document, and the flow is free.
  void verify(const flowdoc::Document& wanted, const std::string& version) {
    step_ = "verify";
    const genesys::Flow flow = api_.get_flow(result_.flow_id);
    const auto& live = options_.publish ? flow.published_version : flow.checked_in_version;
    if (!live || live->id != version)
      throw std::runtime_error(fmt::format("verification failed: the {} version is {}, not the {} restored",
                                           options_.publish ? "published" : "checked-in",
                                           live ? live->id : std::string("none"), version));
    const flowdoc::Document now_live = flowdoc::Document::parse(
        api_.version_configuration(result_.flow_id, version), source::flow_source_name(result_.flow_name, result_.flow_id));
    if (call_keys(now_live) != call_keys(wanted))
      throw std::runtime_error(fmt::format("verification failed: version {} does not call its common modules as the "
                                           "backup does",
                                           version));
    if (flow.locked_user || flow.locked_client)
      throw std::runtime_error(fmt::format("verification failed: the flow is still locked ({})", holder_of(flow)));
    result_.version_after = version;
    record("ok", version, "");
  }

  genesys::FlowApi& api_;
  const RestoreOptions& options_;
  RestoreResult& result_;
  Journal& journal_;
  std::optional<LockGuard> guard_;
  std::string step_;
};

}  // namespace

std::string backup_flow_id(const fs::path& backup) {
  const std::string flow_id = backup.parent_path().filename().string();
  if (backup.extension() != ".json" || flow_id.empty() || backup.parent_path().parent_path().filename() != "backups")
    throw std::runtime_error(fmt::format(
        "'{}' is not a flowlink backup (expected .flowlink/backups/<flowId>/<version>-<time>.json)", backup.string()));
  return flow_id;
}

RestoreResult restore_backup(genesys::FlowApi& api, const fs::path& backup, const RestoreOptions& options) {
  const auto now = options.now ? options.now : [] { return std::chrono::system_clock::now(); };
  RestoreResult result;
  result.flow_id = backup_flow_id(backup);
  const std::string name = backup.filename().string();
  result.backup_version = name.substr(0, name.find('-'));
  const std::string text = read_backup(backup);
  const flowdoc::Document wanted = flowdoc::Document::parse(text, fmt::format("backup '{}'", backup.string()));

  // Refusals first: nothing is locked or written until the flow is free.
  FlowClaim claim(options.work_dir, result.flow_id);
  if (!claim.held())
    throw std::runtime_error(claim.error() == "busy"
                                 ? "another flowlink run in this work dir is applying this flow right now"
                                 : claim.error());
  const genesys::Flow flow = api.get_flow(result.flow_id);
  result.flow_name = flow.name;
  result.version_before = source::observed_version_of(flow);
  if (util::ascii_lower(wanted.type()) != util::ascii_lower(flow.type))
    throw std::runtime_error(fmt::format("backup '{}' is a {} document but flow {} is a {} flow; nothing restored",
                                         backup.string(), wanted.type(), result.flow_id, flow.type));
  if (flow.current_operation && !flow.current_operation->complete)
    throw std::runtime_error(fmt::format("flow '{}' has an operation under way ({}); nothing restored, try again",
                                         flow.name, flow.current_operation->action_name));
  if (const std::string holder = holder_of(flow); !holder.empty())
    throw std::runtime_error(fmt::format("flow '{}' is locked by {}; nothing restored", flow.name, holder));

  const fs::path flowlink_dir = options.work_dir / ".flowlink";
  result.run_id = new_run_id(now());
  RunLease lease(options.work_dir, result.run_id);
  Journal journal(flowlink_dir / "journal.jsonl", result.run_id, now);
  journal.record({"", "", "run-start", "ok", "", fmt::format("restore {}", backup.string())});
  Restore restore(api, options, result, journal);
  try {
    restore.run(wanted, text, flowlink_dir, now());
  } catch (const std::exception& e) {
    restore.record("failed", "", e.what());
    journal.record({result.flow_id, result.flow_name, "result", "failed", "", e.what()});
    throw std::runtime_error(fmt::format("restore of flow '{}' failed at {}: {}", flow.name, restore.step(), e.what()));
  }
  journal.record({result.flow_id, result.flow_name, "result", result.unchanged ? "unchanged" : "applied",
                  result.version_after, ""});
  return result;
}

}  // namespace flowlink::apply
