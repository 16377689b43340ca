// Releasing a flow's lock whatever happened (see lock_guard.hpp).
#include "apply/lock_guard.hpp"

#include <exception>

#include <fmt/format.h>

namespace flowlink::apply {

LockGuard::LockGuard(genesys::FlowApi& api, std::string flow_id, StepSink on_step, std::vector<std::string>* errors)
    : api_(api), flow_id_(std::move(flow_id)), on_step_(std::move(on_step)), errors_(errors) {}

LockGuard::~LockGuard() {
  if (held_) release();
}

bool LockGuard::try_step(const char* step, const std::function<void()>& call, std::string* failure) noexcept {
  std::string message;
  try {
    call();
    if (on_step_) on_step_(step, true, "");
    return true;
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "unknown error";
  }
  try {
    if (on_step_) on_step_(step, false, message);
    *failure += fmt::format("{}{}: {}", failure->empty() ? "" : "; ", step, message);
  } catch (...) {
  }
  return false;
}

bool LockGuard::release() noexcept {
  if (!held_) return true;
  auto revert = [&] { api_.revert(flow_id_); };
  auto unlock = [&] { api_.unlock(flow_id_); };
  std::string failure;
  bool done = saved_ ? (try_step("revert", revert, &failure) || try_step("unlock", unlock, &failure))
                     : (try_step("unlock", unlock, &failure) || try_step("revert", revert, &failure));
  held_ = false;  // one attempt (each call already retried by the client)
  if (!done && errors_) {
    try {
      errors_->push_back(failure);
    } catch (...) {
    }
  }
  return done;
}

}  // namespace flowlink::apply
