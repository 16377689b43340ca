#pragma once
// The emulated org: every flow in memory, every change on disk first.
//
// Layout of the state dir:
//   flows/<id>/flow.json   metadata and version records (model.hpp disk format)
//   flows/<id>/v<N>.json   the configuration document of version N, byte-exact
//   token.key              the key that signs access tokens (they survive restarts)
//   organization.json      the org's id, made once (organization_endpoints.cpp)
// Every file is written atomically: a temp file ".<name>.tmp.<rand>" in the same
// dir, fsync, rename. A crash mid-write leaves at most a temp file, which the
// next start deletes. A configuration file is written before the flow.json that
// refers to it, so flow.json never names a missing file.
//
// Concurrency: a FlowState is immutable once published in the map. A change
// takes the flow's write mutex, copies the state, edits, persists and swaps the
// pointer under a short exclusive lock; readers only copy pointers under a
// shared lock, so list and latestconfiguration never wait for disk.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/model.hpp"

namespace flowlink::emulator {

std::string read_file(const std::filesystem::path& path);

struct SeedFlow {
  FlowState state;          // versions filled, caches not
  std::string config_text;  // the document of every version it has (one, "1.0")
};

class OrgStore {
 public:
  explicit OrgStore(std::filesystem::path state_dir);

  const std::filesystem::path& state_dir() const { return state_dir_; }
  // True when the state dir already holds an org (restart: no seeding).
  bool has_org() const;
  // Deletes temp files left by a crash, then loads every flow.
  void load();
  // Writes a whole seeded org at once: to a staging dir without per-file
  // fsync, one syncfs, then a rename to flows/ (all or nothing).
  void install_seed(std::vector<SeedFlow> flows, int threads);
  // An empty org.
  void create_empty();

  std::shared_ptr<const FlowState> get(std::string_view id) const;
  std::vector<std::shared_ptr<const FlowState>> all() const;  // ascending id
  // The same, with the generation it was taken at (one lock: the flows are
  // exactly those of that generation).
  std::vector<std::shared_ptr<const FlowState>> all(std::uint64_t* generation) const;
  std::size_t size() const;

  // Bumped by every change to any flow (update, insert, load, seeding), under
  // the same lock as the change itself: answers derived from the flows (the
  // listing cache) are valid exactly while it has not moved.
  std::uint64_t generation() const;

  // Copies the flow, runs `edit` (which may throw ApiFailure: nothing changes),
  // persists and publishes the result. Throws errors::flow_not_found.
  using Edit = std::function<void(FlowState&)>;
  std::shared_ptr<const FlowState> update(std::string_view id, const Edit& edit);
  // A new flow (POST /api/v2/flows).
  std::shared_ptr<const FlowState> insert(FlowState state);

  // Configuration documents, per version.
  void write_config(std::string_view flow_id, int number, std::string_view text);
  std::shared_ptr<const std::string> read_config(const FlowState& flow, int number) const;

 private:
  struct Slot {
    std::mutex write;
    std::shared_ptr<const FlowState> state;
  };
  std::filesystem::path flow_dir(std::string_view id) const;
  void persist(const FlowState& state);
  std::shared_ptr<Slot> slot(std::string_view id) const;

  std::filesystem::path state_dir_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<Slot>, std::less<>> flows_;
  std::uint64_t generation_ = 1;  // guarded by mutex_
};

}  // namespace flowlink::emulator
