#pragma once
// Holds a flow's lock for the applier and gives it back whatever happens: the
// destructor releases the lock unless the check-in already did. Releasing
// reverts when a version was saved (so a half-applied draft is discarded) and
// unlocks when nothing was saved (so nobody else's draft is thrown away); if
// the first way fails the other is tried. Every attempt is reported to
// `on_step`; when neither way worked, why is added to `errors`. Never throws.

#include <functional>
#include <string>
#include <vector>

#include "genesys/flow_api.hpp"

namespace flowlink::apply {

class LockGuard {
 public:
  // on_step(step, ok, message): the journal's view of each release attempt.
  using StepSink = std::function<void(const std::string& step, bool ok, const std::string& message)>;

  LockGuard(genesys::FlowApi& api, std::string flow_id, StepSink on_step, std::vector<std::string>* errors);
  ~LockGuard();
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

  void mark_saved() { saved_ = true; }
  // The lock is gone by other means (a successful check-in): nothing to do.
  void dismiss() { held_ = false; }
  bool held() const { return held_; }
  // Gives the lock back now; true when the flow is no longer locked by us.
  bool release() noexcept;

 private:
  bool try_step(const char* step, const std::function<void()>& call, std::string* failure) noexcept;
  genesys::FlowApi& api_;
  std::string flow_id_;
  StepSink on_step_;
  std::vector<std::string>* errors_;
  bool saved_ = false;
  bool held_ = true;
};

}  // namespace flowlink::apply
