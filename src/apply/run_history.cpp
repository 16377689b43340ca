// The work dir's memory of flowlink's runs (see run_history.hpp).
#include "apply/run_history.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/json_depth.hpp"

namespace flowlink::apply {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxLine = 1 << 20;

fs::path runs_dir_of(const fs::path& work_dir) { return work_dir / ".flowlink" / "runs"; }

// A run id becomes a file name: keep it to safe characters.
std::string lease_name(const std::string& run_id) {
  std::string name;
  for (char c : run_id) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return name + ".lock";
}

std::string text(const nlohmann::json& line, const char* key) {
  auto it = line.find(key);
  return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

RunHistory RunHistory::load(const fs::path& work_dir) {
  RunHistory history;
  history.runs_dir_ = runs_dir_of(work_dir);
  const fs::path path = work_dir / ".flowlink" / "journal.jsonl";
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::size_t number = 0;
  auto unreadable = [&](const std::string& why) {
    if (history.unreadable_lines_++ == 0)
      history.unreadable_ = fmt::format("{} line {}: {}", path.string(), number, why);
  };
  while (in) {
    line.clear();
    ++number;
    // getline with a bound: a line longer than kMaxLine is skipped, not held.
    bool too_long = false;
    for (char c; in.get(c) && c != '\n';) {
      if (line.size() < kMaxLine) line.push_back(c);
      else too_long = true;
    }
    if (too_long) unreadable(fmt::format("longer than {} bytes; skipped", kMaxLine));
    if (too_long || line.empty()) continue;
    // Journal lines are flat objects: one nested deeper is not a line
    // flowlink wrote, and is not walked (nor copied) into a stack overflow.
    if (util::json_text_depth(line, util::kMaxJsonDepth) > util::kMaxJsonDepth) {
      unreadable(util::json_too_deep_message("a journal line", util::kMaxJsonDepth) + "; skipped");
      continue;
    }
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object()) continue;
    const std::string run = text(json, "run"), flow = text(json, "flow_id"), step = text(json, "step"),
                      outcome = text(json, "outcome"), version = text(json, "version");
    if (run.empty() || flow.empty()) continue;
    // A run's hold on a flow's lock: from its check-out (journalled before it
    // is sent) until it journals giving it back (a check-in, an unlock or a
    // revert that worked).
    if (step == "checkout") history.checkouts_[flow] = run;
    const bool released = outcome == "ok" && (step == "checkin" || step == "unlock" || step == "revert");
    if (released) {
      auto held = history.checkouts_.find(flow);
      if (held != history.checkouts_.end() && held->second == run) history.checkouts_.erase(held);
    }
    // A save sent and never answered stops being pending once the same run
    // says what became of it: saved, failed, or the flow's result.
    if (step == "result" || (step == "save" && outcome == "failed") || released) {
      auto pending = history.unanswered_saves_.find(flow);
      if (pending != history.unanswered_saves_.end() && pending->second.run_id == run)
        history.unanswered_saves_.erase(pending);
    }
    if (step == "save") {
      SavedVersion saved{run, true};
      if (auto publish = json.find("publish"); publish != json.end() && publish->is_boolean())
        saved.publish_intended = publish->get<bool>();
      if (outcome == "started") {
        history.unanswered_saves_[flow] = saved;
      } else if ((outcome == "ok" || outcome == "reconciled") && !version.empty()) {
        history.saved_[{flow, version}] = saved;
        auto pending = history.unanswered_saves_.find(flow);
        if (pending != history.unanswered_saves_.end() && pending->second.run_id == run)
          history.unanswered_saves_.erase(pending);
      }
    }
  }
  if (history.unreadable_lines_ > 1)
    history.unreadable_ += fmt::format(" (and {} more line(s) that could not be read)", history.unreadable_lines_ - 1);
  return history;
}

std::optional<source::RunMemory::SavedVersion> RunHistory::saved_version(const std::string& flow_id,
                                                                         const std::string& version) const {
  auto it = saved_.find({flow_id, version});
  if (it != saved_.end()) return it->second;
  // A save whose answer the run never journalled (killed while it was under
  // way): the run that sent it owns this client's draft, if that run is over.
  auto pending = unanswered_saves_.find(flow_id);
  if (pending != unanswered_saves_.end() && !running(pending->second.run_id)) return pending->second;
  return std::nullopt;
}

std::optional<source::RunMemory::Checkout> RunHistory::checkout(const std::string& flow_id) const {
  auto it = checkouts_.find(flow_id);
  if (it == checkouts_.end()) return std::nullopt;
  return Checkout{it->second, running(it->second)};
}

bool RunHistory::running(const std::string& run_id) const {
  const fs::path path = runs_dir_ / lease_name(run_id);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // no lease: the run ended (or never took one)
  // A shared lock is refused exactly while the run holds its exclusive one.
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // also drops our shared lock, if we got it
  return held;
}

RunLease::RunLease(const fs::path& work_dir, const std::string& run_id) {
  std::error_code ec;
  fs::create_directories(runs_dir_of(work_dir), ec);
  path_ = runs_dir_of(work_dir) / lease_name(run_id);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    error_ = fmt::format("cannot create the run lease {}: {}", path_.string(), std::strerror(errno));
    return;
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    error_ = fmt::format("cannot lock the run lease {}: {}", path_.string(), std::strerror(errno));
    ::close(fd_);
    fd_ = -1;
  }
}

RunLease::~RunLease() {
  if (fd_ < 0) return;
  std::error_code ec;
  fs::remove(path_, ec);  // first, so that no one finds a lease file nobody holds
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

FlowClaim::FlowClaim(const fs::path& work_dir, const std::string& flow_id) {
  const fs::path dir = runs_dir_of(work_dir) / "flows";
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path path = dir / lease_name(flow_id);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    error_ = fmt::format("cannot create the claim file {}: {}", path.string(), std::strerror(errno));
    return;
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    error_ = errno == EWOULDBLOCK ? "busy" : fmt::format("cannot lock {}: {}", path.string(), std::strerror(errno));
    ::close(fd_);
    fd_ = -1;
  }
}

FlowClaim::~FlowClaim() {
  if (fd_ < 0) return;
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace flowlink::apply
