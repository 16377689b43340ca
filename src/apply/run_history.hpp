#pragma once
// What this work dir remembers of flowlink's runs, and which of them still
// run. The journal (.flowlink/journal.jsonl) says which run saved which
// version of a flow (and whether it meant to publish it) and which run last
// checked a flow out; a run holds an exclusive flock on
// .flowlink/runs/<run id>.lock for as long as it lives, which the kernel
// drops when the process dies however it dies (SIGKILL included). Together
// they tell flowlink's own interrupted work (finish it) from a run still in
// progress (leave it) and from a lock or draft nobody here recorded
// (someone else's, as far as flowlink can know).
//
// Genesys reports locks and versions per OAuth client, so two flowlink runs
// with one client look the same to the server: this is what tells them
// apart on one work dir. Runs on other machines or work dirs with the same
// client are not seen here; their locks and drafts count as someone else's.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "source/org_source.hpp"

namespace flowlink::apply {

class RunHistory final : public source::RunMemory {
 public:
  // Reads <work_dir>/.flowlink/journal.jsonl (missing: an empty history).
  // Lines that are not JSON objects are ignored: a journal cut short by a
  // crash is still read up to its last whole line. Lines longer than 1 MiB
  // or nested deeper than util::kMaxJsonDepth (no line flowlink writes) are
  // skipped too, without being parsed, and named by unreadable().
  static RunHistory load(const std::filesystem::path& work_dir);

  // "<path> line 7: a journal line: JSON nested deeper than 512 levels ...;
  // skipped (and 2 more ...)" for lines skipped as longer or deeper than any
  // flowlink writes; "" when there were none.
  const std::string& unreadable() const { return unreadable_; }

  std::optional<SavedVersion> saved_version(const std::string& flow_id, const std::string& version) const override;
  std::optional<Checkout> checkout(const std::string& flow_id) const override;

  // Whether the run still lives (holds its lease). A run without a lease
  // file has ended.
  bool running(const std::string& run_id) const;

 private:
  std::filesystem::path runs_dir_;
  std::map<std::pair<std::string, std::string>, SavedVersion> saved_;  // (flow, version) -> run
  std::map<std::string, std::string> checkouts_;                       // flow -> latest run
  std::map<std::string, SavedVersion> unanswered_saves_;               // flow -> a save sent, never answered
  std::string unreadable_;
  std::size_t unreadable_lines_ = 0;
};

// A run's lease: created and flock'ed when the run starts, released and
// removed when it ends (the kernel releases it if the process dies).
class RunLease {
 public:
  RunLease(const std::filesystem::path& work_dir, const std::string& run_id);
  ~RunLease();
  RunLease(const RunLease&) = delete;
  RunLease& operator=(const RunLease&) = delete;
  // "" when the lease is held; else why not (the run then cannot be told
  // apart from an interrupted one by other runs).
  const std::string& error() const { return error_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::string error_;
};

// A run's claim on one flow: an exclusive flock on
// .flowlink/runs/flows/<flow id>.lock, taken without waiting before the flow
// is touched and held until the run is done with it. Two runs in one work
// dir (one OAuth client, so one lock holder as far as Genesys can tell)
// never work on the same flow at once. The files are left in place: removing
// a lock file while another process may have it open would let two hold it.
class FlowClaim {
 public:
  FlowClaim(const std::filesystem::path& work_dir, const std::string& flow_id);
  ~FlowClaim();
  FlowClaim(const FlowClaim&) = delete;
  FlowClaim& operator=(const FlowClaim&) = delete;
  bool held() const { return fd_ >= 0; }
  // Why it is not held: "" when it is; "busy" when another run holds it.
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string error_;
};

}  // namespace flowlink::apply
