#pragma once
// The apply journal: .flowlink/journal.jsonl, one JSON object per line, one
// line per step, flushed as it is written, so that a run that crashed can be
// understood afterwards. Lines carry no secret: only flow ids and names,
// steps, outcomes, versions and error messages (which never hold a token).

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace flowlink::apply {

struct JournalEntry {
  JournalEntry(std::string flow_id_, std::string flow_name_, std::string step_, std::string outcome_,
               std::string version_ = "", std::string message_ = "", std::optional<bool> publish_ = std::nullopt)
      : flow_id(std::move(flow_id_)), flow_name(std::move(flow_name_)), step(std::move(step_)),
        outcome(std::move(outcome_)), version(std::move(version_)), message(std::move(message_)), publish(publish_) {}
  std::string flow_id;    // "" for run-wide lines
  std::string flow_name;
  std::string step;       // "run-start", "checkout", "save", "checkin", ...
  std::string outcome;    // "ok", "failed", "skipped", "stale", "locked"; "unknown" (the answer to a
                          // save / check-in / publish was lost) then "reconciled" (what a re-read showed)
  std::string version;    // the version the step concerns, if any
  std::string message;    // details or the error
  // save: whether this run means to publish what it saved (a draft it
  // edited for someone else is not); read back by RunHistory to resume.
  std::optional<bool> publish;
};

class Journal {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  // Appends to `file` (created with its directory when missing).
  Journal(std::filesystem::path file, std::string run_id, Clock now);
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Thread-safe; never throws (a journal that cannot be written must not
  // leave a flow locked half-way through a step).
  void record(const JournalEntry& entry) noexcept;
  const std::filesystem::path& path() const { return path_; }
  const std::string& run_id() const { return run_id_; }
  // The first write error, if any ("" when every line was written).
  std::string write_error() const;

 private:
  std::filesystem::path path_;
  std::string run_id_;
  Clock now_;
  mutable std::mutex mutex_;
  std::ofstream out_;
  std::string write_error_;
};

// 2024-05-01T12:34:56.789Z
std::string iso_utc(std::chrono::system_clock::time_point time);
// 20240501T123456.789Z (safe in file names)
std::string compact_utc(std::chrono::system_clock::time_point time);
// A new run's id: compact_utc(now) and a random suffix ("20240501T123456.789Z-3fa2c1").
std::string new_run_id(std::chrono::system_clock::time_point now);

}  // namespace flowlink::apply
