#include "emulator/org_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "emulator/errors.hpp"
#include "util/atomic_file.hpp"
#include "util/parallel_for.hpp"

namespace flowlink::emulator {

namespace fs = std::filesystem;

namespace {

void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

bool is_temp_name(const std::string& name) { return util::is_atomic_temp_name(name); }

std::string config_name(int number) { return fmt::format("v{}.json", number); }

}  // namespace

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}'", path.string()));
  std::string text;
  in.seekg(0, std::ios::end);
  text.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

OrgStore::OrgStore(fs::path state_dir) : state_dir_(std::move(state_dir)) {}

bool OrgStore::has_org() const { return fs::is_directory(state_dir_ / "flows"); }

fs::path OrgStore::flow_dir(std::string_view id) const { return state_dir_ / "flows" / std::string(id); }

void OrgStore::create_empty() {
  fs::create_directories(state_dir_ / "flows");
  fsync_dir(state_dir_);
}

void OrgStore::load() {
  // A crash can leave temp files and half-built seeding dirs: none is part of the org.
  for (auto it = fs::recursive_directory_iterator(state_dir_); it != fs::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (is_temp_name(name) || (it.depth() == 0 && name.rfind(".seeding-", 0) == 0)) {
      if (it->is_directory()) it.disable_recursion_pending();
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
  }
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(state_dir_ / "flows"))
    if (entry.is_directory()) dirs.push_back(entry.path());

  std::vector<std::shared_ptr<const FlowState>> loaded(dirs.size());
  util::parallel_for(dirs.size(), static_cast<int>(std::max(2u, std::thread::hardware_concurrency())), [&](std::size_t i) {
    const fs::path meta = dirs[i] / "flow.json";
    if (!fs::exists(meta)) return;  // a creation that never completed
    Json disk = Json::parse(read_file(meta), nullptr, false);
    if (disk.is_discarded()) throw std::runtime_error(fmt::format("state file '{}' is not JSON", meta.string()));
    auto state = std::make_shared<FlowState>(flow_from_disk(disk));
    if (auto latest = state->latest_number()) {
      state->latest_config = std::make_shared<const std::string>(read_file(dirs[i] / config_name(*latest)));
    }
    state->finalize();
    loaded[i] = std::move(state);
  });
  std::unique_lock lock(mutex_);
  ++generation_;
  flows_.clear();
  for (auto& state : loaded) {
    if (!state) continue;
    auto s = std::make_shared<Slot>();
    s->state = std::move(state);
    flows_.emplace(s->state->id, s);
  }
}

void OrgStore::install_seed(std::vector<SeedFlow> flows, int threads) {
  fs::create_directories(state_dir_);
  for (const auto& entry : fs::directory_iterator(state_dir_)) {  // an earlier seeding that crashed
    if (entry.path().filename().string().rfind(".seeding-", 0) == 0) fs::remove_all(entry.path());
  }
  const fs::path staging = state_dir_ / (".seeding-" + new_uuid().substr(0, 8));
  fs::create_directories(staging / "flows");
  util::parallel_for(flows.size(), threads, [&](std::size_t i) {
    auto& seed = flows[i];
    const fs::path dir = staging / "flows" / seed.state.id;
    fs::create_directory(dir);
    for (const auto& version : seed.state.versions)
      util::write_file_atomically(dir / config_name(version.number), seed.config_text, false);
    util::write_file_atomically(dir / "flow.json", flow_to_disk(seed.state).dump(), false);
  });
  // One flush for the whole org instead of two fsyncs per flow.
  int fd = ::open(staging.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::syncfs(fd);
    ::close(fd);
  }
  fs::rename(staging / "flows", state_dir_ / "flows");
  fsync_dir(state_dir_);
  fs::remove_all(staging);

  std::unique_lock lock(mutex_);
  ++generation_;
  flows_.clear();
  for (auto& seed : flows) {
    auto state = std::make_shared<FlowState>(std::move(seed.state));
    if (!state->versions.empty())
      state->latest_config = std::make_shared<const std::string>(std::move(seed.config_text));
    state->finalize();
    auto s = std::make_shared<Slot>();
    s->state = std::move(state);
    flows_.emplace(s->state->id, s);
  }
}

std::shared_ptr<OrgStore::Slot> OrgStore::slot(std::string_view id) const {
  std::shared_lock lock(mutex_);
  auto it = flows_.find(id);
  return it == flows_.end() ? nullptr : it->second;
}

std::shared_ptr<const FlowState> OrgStore::get(std::string_view id) const {
  std::shared_lock lock(mutex_);
  auto it = flows_.find(id);
  return it == flows_.end() ? nullptr : it->second->state;
}

std::vector<std::shared_ptr<const FlowState>> OrgStore::all() const {
  std::uint64_t ignored = 0;
  return all(&ignored);
}

std::vector<std::shared_ptr<const FlowState>> OrgStore::all(std::uint64_t* generation) const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<const FlowState>> out;
  out.reserve(flows_.size());
  for (const auto& [id, s] : flows_) out.push_back(s->state);
  *generation = generation_;
  return out;
}

std::uint64_t OrgStore::generation() const {
  std::shared_lock lock(mutex_);
  return generation_;
}

std::size_t OrgStore::size() const {
  std::shared_lock lock(mutex_);
  return flows_.size();
}

void OrgStore::persist(const FlowState& state) {
  util::write_file_atomically(flow_dir(state.id) / "flow.json", flow_to_disk(state).dump());
}

std::shared_ptr<const FlowState> OrgStore::update(std::string_view id, const Edit& edit) {
  auto s = slot(id);
  if (!s) throw errors::flow_not_found(id);
  std::lock_guard write(s->write);
  std::shared_ptr<const FlowState> current;
  {
    std::shared_lock lock(mutex_);
    current = s->state;
  }
  auto next = std::make_shared<FlowState>(*current);
  edit(*next);
  next->date_modified = now_ms();
  next->finalize();
  persist(*next);
  {
    std::unique_lock lock(mutex_);
    s->state = next;
    ++generation_;
  }
  return next;
}

std::shared_ptr<const FlowState> OrgStore::insert(FlowState state) {
  fs::create_directories(flow_dir(state.id));
  state.date_modified = now_ms();
  state.finalize();
  persist(state);
  fsync_dir(state_dir_ / "flows");
  auto s = std::make_shared<Slot>();
  s->state = std::make_shared<const FlowState>(std::move(state));
  std::unique_lock lock(mutex_);
  flows_[s->state->id] = s;
  ++generation_;
  return s->state;
}

void OrgStore::write_config(std::string_view flow_id, int number, std::string_view text) {
  util::write_file_atomically(flow_dir(flow_id) / config_name(number), text);
}

std::shared_ptr<const std::string> OrgStore::read_config(const FlowState& flow, int number) const {
  if (flow.latest_config && flow.latest_number() == number) return flow.latest_config;
  const fs::path path = flow_dir(flow.id) / config_name(number);
  if (!fs::exists(path)) return nullptr;
  return std::make_shared<const std::string>(read_file(path));
}

}  // namespace flowlink::emulator
