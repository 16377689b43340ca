// Writing the apply journal (see journal.hpp).
#include "apply/journal.hpp"

#include <ctime>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace flowlink::apply {

namespace {

struct UtcParts {
  std::tm tm{};
  int millis = 0;
};

UtcParts utc_parts(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  UtcParts parts;
  auto since_epoch = time.time_since_epoch();
  auto secs = duration_cast<seconds>(since_epoch);
  if (since_epoch < secs) secs -= seconds(1);  // round towards -inf before the epoch
  parts.millis = static_cast<int>(duration_cast<milliseconds>(since_epoch - secs).count());
  std::time_t t = static_cast<std::time_t>(secs.count());
  gmtime_r(&t, &parts.tm);
  return parts;
}

}  // namespace

std::string iso_utc(std::chrono::system_clock::time_point time) {
  UtcParts p = utc_parts(time);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", p.tm.tm_year + 1900, p.tm.tm_mon + 1, p.tm.tm_mday,
                     p.tm.tm_hour, p.tm.tm_min, p.tm.tm_sec, p.millis);
}

std::string compact_utc(std::chrono::system_clock::time_point time) {
  UtcParts p = utc_parts(time);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z", p.tm.tm_year + 1900, p.tm.tm_mon + 1, p.tm.tm_mday,
                     p.tm.tm_hour, p.tm.tm_min, p.tm.tm_sec, p.millis);
}

std::string new_run_id(std::chrono::system_clock::time_point now) {
  std::random_device random;
  return fmt::format("{}-{:06x}", compact_utc(now), random() & 0xffffff);
}

Journal::Journal(std::filesystem::path file, std::string run_id, Clock now)
    : path_(std::move(file)), run_id_(std::move(run_id)), now_(std::move(now)) {
  if (!now_) now_ = [] { return std::chrono::system_clock::now(); };
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  out_.open(path_, std::ios::app | std::ios::binary);
  if (!out_) write_error_ = fmt::format("cannot open the journal {}", path_.string());
}

void Journal::record(const JournalEntry& entry) noexcept {
  try {
    nlohmann::ordered_json line;
    line["time"] = iso_utc(now_());
    line["run"] = run_id_;
    if (!entry.flow_id.empty()) line["flow_id"] = entry.flow_id;
    if (!entry.flow_name.empty()) line["flow_name"] = entry.flow_name;
    line["step"] = entry.step;
    line["outcome"] = entry.outcome;
    if (!entry.version.empty()) line["version"] = entry.version;
    if (!entry.message.empty()) line["message"] = entry.message;
    if (entry.publish) line["publish"] = *entry.publish;
    // Invalid UTF-8 in a server message must not make the journal throw.
    std::string text = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    std::lock_guard<std::mutex> lock(mutex_);
    if (!out_) return;
    out_ << text << '\n';
    out_.flush();
    if (!out_ && write_error_.empty()) write_error_ = fmt::format("cannot write the journal {}", path_.string());
  } catch (...) {
    // Nothing sensible to do: the journal is a diagnostic aid.
  }
}

std::string Journal::write_error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return write_error_;
}

}  // namespace flowlink::apply
