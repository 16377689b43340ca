#pragma once
// The soak's org (bench/soak.cpp): the emulator, in this process, serving an
// org generated from the real fixture (bench/org_generator: common modules
// Common_Module_0..N, every other flow "Bench Flow NNNNN" calling one of
// them first in its start task); the two manifests the trials alternate
// between (one module ensured first in every flow, then removed from all);
// the real `flowlink` program run against it; and the reads that judge a
// trial, through the API as a person's Architect UI client would make them.

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "genesys/flow_api.hpp"
#include "support/emulator_control.hpp"
#include "support/interrupted_run.hpp"

namespace flowlink::emulator {
class Emulator;
}

namespace flowlink::bench {

struct SoakOrgOptions {
  int flows = 200;
  std::filesystem::path work;      // everything: the generated org, the emulator's state, flowlink's work dir
  std::filesystem::path flowlink;  // the program under test
  std::filesystem::path fixture;   // the real Architect document the org is built from
  unsigned long long seed = 1;
};

// A flow the manifests select, and the module its document called when generated.
struct TargetFlow {
  std::string id, name, module;
};

class SoakOrg {
 public:
  static constexpr const char* kClientId = "flowlink-soak";  // flowlink's OAuth client
  static constexpr const char* kManagedModule = "Common_Module_0";

  explicit SoakOrg(const SoakOrgOptions& options);
  ~SoakOrg();
  SoakOrg(const SoakOrg&) = delete;
  SoakOrg& operator=(const SoakOrg&) = delete;

  const testing::EmulatorControl& control() const { return *control_; }
  // The Architect UI's own client (not flowlink's, so the rate limit counts it apart).
  genesys::FlowApi& ui() { return *ui_; }
  // flowlink's own client, for the soak's check that its counters can count.
  genesys::FlowApi& flowlink_api() { return *flowlink_api_; }
  const std::vector<std::string>& flow_ids() const { return flow_ids_; }
  const std::vector<TargetFlow>& targets() const { return targets_; }
  std::vector<std::string> unmanaged_modules() const;
  // The manifest a trial applies: the managed module first in every flow, or removed from every flow.
  std::string manifest(bool ensure) const;
  std::filesystem::path journal() const { return work_dir_ / ".flowlink" / "journal.jsonl"; }

  // `flowlink COMMAND -f MANIFEST ... --work-dir W --api-url URL --no-color`, output under logs/TAG.*
  std::unique_ptr<testing::ChildProcess> start_flowlink(const std::string& command, const std::string& manifest,
                                                        std::vector<std::string> extra, const std::string& tag);

  // Version ids per flow, through GET /api/v2/flows/{id}/versions; `client_made`
  // keeps only the versions flowlink's client made.
  std::map<std::string, std::set<std::string>> versions(bool client_made);
  // Flows whose lock flowlink's client holds.
  std::vector<std::string> flowlink_locks() const;
  // Every lock, whoever holds it.
  int lock_count() const;

 private:
  std::unique_ptr<emulator::Emulator> emulator_;
  std::unique_ptr<testing::EmulatorControl> control_;
  std::unique_ptr<genesys::FlowApi> ui_, flowlink_api_;
  genesys::ClientOptions flowlink_client_;
  std::vector<std::string> flow_ids_, modules_;
  std::vector<TargetFlow> targets_;
  std::filesystem::path flowlink_, work_dir_, logs_, manifests_;
};

}  // namespace flowlink::bench
