// Progress and the summary line on stderr. See run_feedback.hpp.
#include "cli/run_feedback.hpp"

#include <unistd.h>

#include <iostream>

namespace flowlink::cli {

namespace {
constexpr auto kRedrawEvery = std::chrono::milliseconds(250);
constexpr const char* kClearLine = "\r\x1b[K";
}  // namespace

bool progress_wanted(const std::ostream& err) { return &err == &std::cerr && ::isatty(STDERR_FILENO) == 1; }

RunFeedback::RunFeedback(std::ostream& err, bool draw) : err_(err) {
  if (draw) ticker_ = std::thread([this] { run(); });
}

RunFeedback::~RunFeedback() {
  try {
    finish();
  } catch (...) {
  }
}

void RunFeedback::watch(const genesys::FlowApi* api) {
  std::lock_guard lock(mutex_);
  api_ = api;
}

void RunFeedback::unwatch() {
  std::lock_guard lock(mutex_);
  if (api_) last_stats_ = api_->stats();
  api_ = nullptr;
}

util::ProgressSnapshot RunFeedback::now() const {
  util::ProgressSnapshot s = util::snapshot(counters_);
  {
    std::lock_guard lock(mutex_);
    const genesys::RequestStats stats = api_ ? api_->stats() : last_stats_;
    s.requests = stats.requests;
    s.retries = stats.retries;
  }
  s.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_);
  return s;
}

void RunFeedback::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const std::string line = util::format_progress(now());
    lock.lock();
    if (stopping_) break;
    err_ << kClearLine << line << std::flush;
    drawn_ = true;
    wake_.wait_for(lock, kRedrawEvery, [this] { return stopping_; });
  }
}

void RunFeedback::stop_progress() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  std::lock_guard lock(mutex_);
  if (drawn_) err_ << kClearLine << std::flush;
  drawn_ = false;
}

void RunFeedback::finish() {
  stop_progress();
  if (finished_) return;
  finished_ = true;
  err_ << util::format_summary(now()) << "\n" << std::flush;
}

}  // namespace flowlink::cli
