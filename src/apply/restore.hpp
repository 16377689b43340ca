#pragma once
// Putting a backed-up document (apply/backup.hpp) back into its flow, by the
// applier's safe path: this work dir's claim on the flow, the flow's lock
// (given back whatever happens: LockGuard), the document it replaces backed
// up first, save, check in, publish (unless told not to), each operation
// waited for by its id, every step journalled, and a verification that the
// version that went live (or was checked in) is the backup's document and
// the flow is no longer locked. Refuses, changing nothing, a flow someone
// holds (a lock, an operation under way), a backup that is not a flow
// document, or one of another flow type.

#include <chrono>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "genesys/flow_api.hpp"

namespace flowlink::apply {

struct RestoreOptions {
  std::filesystem::path work_dir = ".";  // .flowlink/ (journal, backups)
  bool publish = true;                   // false: check in only
  std::chrono::milliseconds operation_timeout{120000};
  std::function<std::chrono::system_clock::time_point()> now;  // empty: system clock
  std::ostream* progress = nullptr;      // a line per step; null: quiet
};

struct RestoreResult {
  std::string run_id;
  std::string flow_id;
  std::string flow_name;
  std::string backup_version;   // the version the backup was taken of (from its file name)
  std::string version_before;   // the flow's latest version before the restore
  bool unchanged = false;       // the latest configuration was the backup's already: nothing saved
  std::string saved_version;    // the version the restore saved
  std::string version_after;    // published (or checked in) and verified
  bool published = false;
  std::string replaced_backup;  // where the document the restore replaced was backed up
  std::vector<std::string> cleanup_errors;  // lock release problems after a failure
};

// The flow id a backup path names: <...>/backups/<flowId>/<version>-<time>.json.
// Throws std::runtime_error for a path not shaped so.
std::string backup_flow_id(const std::filesystem::path& backup);

// Restores `backup` into its flow (see above). Throws std::runtime_error
// (genesys::ApiError from the server) naming the step that failed; the lock
// is released (reverted when a version was saved) before it returns.
RestoreResult restore_backup(genesys::FlowApi& api, const std::filesystem::path& backup, const RestoreOptions& options);

}  // namespace flowlink::apply
