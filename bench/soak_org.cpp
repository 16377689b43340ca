#include "soak_org.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "emulator/emulator.hpp"
#include "genesys/http_transport.hpp"
#include "org_generator.hpp"

namespace flowlink::bench {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr const char* kUiClientId = "soak-architect-ui";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The bindings the generator gave the calls it made (org_generator.cpp's
// call_module), so that flows generated calling the managed module comply.
std::string manifest_text(bool ensure) {
  std::string text = "apiVersion: flowlink/v1\n"
                     "modules:\n"
                     "  soak: { name: " + std::string(SoakOrg::kManagedModule) + " }\n"
                     "rules:\n"
                     "  - name: soak\n"
                     "    flows: { types: [inboundcall], include: [\"Bench Flow *\"] }\n";
  if (ensure) {
    text += "    ensure:\n"
            "      - module: soak\n"
            "        at: start\n"
            "        inputs: { Common.CallerAni: \"Call.Ani\", Common.QueueName: \"Task.Queue.name\" }\n"
            "        outputs: { Common.IsValid: \"Task.AgentsIdle\" }\n";
  } else {
    text += "    remove: [soak]\n";
  }
  return text;
}

}  // namespace

SoakOrg::SoakOrg(const SoakOrgOptions& options) : flowlink_(options.flowlink) {
  const fs::path work = fs::absolute(options.work);
  fs::remove_all(work);
  work_dir_ = work / "flowlink-work";
  logs_ = work / "logs";
  manifests_ = work / "manifests";
  for (const auto& dir : {work_dir_, logs_, manifests_}) fs::create_directories(dir);
  std::ofstream(manifests_ / "ensure.yaml") << manifest_text(true);
  std::ofstream(manifests_ / "remove.yaml") << manifest_text(false);

  OrgSpec spec;
  spec.flows = options.flows;
  spec.doc_kb = 0;  // the fixture as it is (~60 KB), no padding
  spec.fixture = options.fixture;
  spec.out = work / "org";
  spec.seed = options.seed;
  const OrgSummary generated = generate_org(spec);
  flow_ids_ = generated.flow_ids;
  for (const auto& entry : Json::parse(read_file(spec.out / "org.json"))) {
    const std::string name = entry.at("name");
    if (entry.at("type") == "COMMONMODULE") {
      modules_.push_back(name);
      continue;
    }
    const Json document = Json::parse(read_file(spec.out / entry.at("file").get<std::string>()));
    targets_.push_back({entry.at("id"), name, document.at("manifest").at("commonModuleFlow").at(0).at("name")});
  }

  const std::string secret = "soak-secret-" + std::to_string(::getpid());
  emulator::EmulatorOptions emulated;
  emulated.state_dir = (work / "state").string();
  emulated.seed_dirs = {spec.out.string()};
  emulated.clients = {{kClientId, secret, "flowlink soak"}, {kUiClientId, secret, "Architect UI (soak)"}};
  emulated.rate_limit_per_minute = 0;  // trials set theirs through /_emulator/config
  emulated.operation_delay_ms = 50;
  emulator_ = std::make_unique<emulator::Emulator>(emulated);
  emulator_->start();
  control_ = std::make_unique<testing::EmulatorControl>(emulator_->port());

  // flowlink takes its credentials from the environment, as users give them.
  ::setenv("GENESYSCLOUD_OAUTHCLIENT_ID", kClientId, 1);
  ::setenv("GENESYSCLOUD_OAUTHCLIENT_SECRET", secret.c_str(), 1);
  ::unsetenv("GENESYSCLOUD_REGION");

  flowlink_client_.api_url = flowlink_client_.login_url = emulator_->base_url();
  flowlink_client_.client_id = kClientId;
  flowlink_client_.client_secret = secret;
  genesys::ClientOptions ui = flowlink_client_;
  ui.client_id = kUiClientId;
  ui.parallelism = 4;
  ui.max_retries = 10;
  ui.retry_base = std::chrono::milliseconds(50);
  ui_ = genesys::make_http_flow_api(ui);
  flowlink_api_ = genesys::make_http_flow_api(flowlink_client_);
}

SoakOrg::~SoakOrg() {
  if (emulator_) emulator_->stop();
}

std::vector<std::string> SoakOrg::unmanaged_modules() const {
  std::vector<std::string> out;
  for (const auto& name : modules_)
    if (name != kManagedModule) out.push_back(name);
  return out;
}

std::string SoakOrg::manifest(bool ensure) const {
  return (manifests_ / (ensure ? "ensure.yaml" : "remove.yaml")).string();
}

std::unique_ptr<testing::ChildProcess> SoakOrg::start_flowlink(const std::string& command,
                                                               const std::string& manifest,
                                                               std::vector<std::string> extra,
                                                               const std::string& tag) {
  std::vector<std::string> args = {command, "-f", manifest, "--work-dir", work_dir_.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  args.insert(args.end(), {"--api-url", emulator_->base_url(), "--no-color"});
  return std::make_unique<testing::ChildProcess>(flowlink_.string(), std::move(args), logs_ / (tag + ".out"),
                                                 logs_ / (tag + ".err"));
}

std::map<std::string, std::set<std::string>> SoakOrg::versions(bool client_made) {
  genesys::HttpTransport transport(flowlink_client_);
  std::map<std::string, std::set<std::string>> out;
  for (const auto& id : flow_ids_) {
    auto& ids = out[id];
    const Json body = Json::parse(transport.send({"GET", "/api/v2/flows/" + id + "/versions", "pageSize=100", "", id}));
    for (const auto& version : body.at("entities")) {
      const bool by_flowlink = !version.contains("createdBy") && version.contains("createdByClient") &&
                               version["createdByClient"].value("id", "") == kClientId;
      if (!client_made || by_flowlink) ids.insert(version.at("id").get<std::string>());
    }
  }
  return out;
}

std::vector<std::string> SoakOrg::flowlink_locks() const {
  std::vector<std::string> out;
  for (const auto& lock : control_->locks())
    if (lock.value("lockedByKind", "") == "client" && lock.value("lockedById", "") == kClientId)
      out.push_back(lock.at("flowId"));
  return out;
}

int SoakOrg::lock_count() const { return static_cast<int>(control_->locks().size()); }

}  // namespace flowlink::bench
