#pragma once
// The people working in Architect while the soak's flowlink runs: through the
// emulator's act-as controls (each follows the rules of the API call it
// stands for: locks, running operations, versions) and reading documents
// with the Architect UI's own client. Their changes touch only what the
// manifests do not manage (a call to another module removed, a flow
// variable added), so every change they publish must still be live once
// flowlink has converged: the soak counts those that are not.

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "soak_org.hpp"

namespace flowlink::bench {

struct HumanChange {
  enum class Kind { RemovedCall, AddedVariable };
  Kind kind;
  std::string flow_id, flow_name, user;
  std::string what;     // the module whose calls were removed, or the variable added
  std::string version;  // the version that holds the change
  int trial = 0;
  std::string describe() const;
};

// What the people did in one trial.
struct HumanTally {
  int refused = 0;       // attempts the org refused (locked by flowlink, an operation under way)
  int locks = 0;         // flows locked and held without an edit
  int published = 0;     // changes published (during the run or after it)
  int drafts = 0;        // drafts left unpublished while flowlink ran (saved, or checked in)
  int drafts_reverted = 0;
};

class Humans {
 public:
  Humans(SoakOrg& org, unsigned long long seed);

  // While flowlink runs: spread over `span`, `locks` flows locked and held,
  // `edits` changes saved, checked in and published, `drafts` changes left
  // unpublished (saved and locked, or checked in). Returns early once `stop` is set.
  void work_during_run(int trial, int locks, int edits, int drafts, std::chrono::milliseconds span,
                       const std::atomic<bool>& stop);
  // After the run: locks released, saved drafts reverted or checked in (a
  // coin each), and with `publish_checked_in` the checked-in changes
  // published (without, they wait: flowlink must leave those flows alone).
  // Returns true when nothing of theirs is left to do; call again after a
  // re-run of flowlink when not.
  bool finish(bool publish_checked_in);
  // Nothing of theirs left to do: no lock, no draft, nothing checked in unpublished.
  bool idle() const { return held_.empty() && to_publish_.empty(); }

  // Published changes no longer in their flow's published version.
  std::vector<HumanChange> lost_changes();
  const std::vector<HumanChange>& published_changes() const { return published_; }
  HumanTally take_tally();

 private:
  struct Held {
    std::string flow_id, user;
    bool draft = false;
    bool publish = false;  // a draft: published after the run (else reverted)
    HumanChange change;    // a draft's
  };

  const TargetFlow* pick_flow(bool needs_unmanaged_call);
  std::string pick_user();
  void lock(const TargetFlow& flow);
  void remove_call(const TargetFlow& flow, int trial);
  void add_variable(const TargetFlow& flow, int trial, bool leave_as_draft);
  // Starts the publish of `change.version` and waits; true when it went live.
  bool publish(const HumanChange& change);
  bool check_in(const std::string& user, const std::string& flow_id);

  SoakOrg& org_;
  std::mt19937_64 rng_;
  std::vector<std::string> touched_;            // flows someone worked on in this trial
  std::vector<std::pair<std::string, std::string>> unmanaged_calls_;  // flow id, module still called
  std::vector<Held> held_;
  std::vector<HumanChange> to_publish_;         // checked in, not yet published
  std::vector<HumanChange> published_;          // every trial's
  HumanTally tally_;
  int variables_ = 0;
};

}  // namespace flowlink::bench
