#pragma once
// An emulated org for end-to-end tests: the emulator serving examples/org on
// 127.0.0.1 (a port of its own), the real HTTP FlowApi client talking to it
// over a socket, the control endpoints, and a manifest for the example org.

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "support/emulator_control.hpp"
#include "emulator/emulator.hpp"
#include "genesys/flow_api.hpp"
#include "manifest/loader.hpp"
#include "plan/planner.hpp"

namespace flowlink::testing {

namespace fs = std::filesystem;

// What examples/README.md says the example org must become: validation first
// in support lines (moving and de-duplicating), the compliance notice and VIP
// routing in sales lines, the closure check in support chats, and no more
// calls to the legacy authentication module anywhere.
inline const char* kExampleManifest = R"(apiVersion: flowlink/v1
modules:
  validation: { name: Common_Validation_Module }
  closure: { name: Common_Closure_Check }
  compliance: { name: Compliance_Recording_Prompt }
  vip: { name: Common_VIP_Routing }
  legacy-auth: { name: Legacy_Auth_Module }
rules:
  - name: support-validation
    flows: { types: [inboundcall], include: ["Inbound_Support_*"], exclude: ["*_Sandbox"] }
    ensure:
      - module: validation
        at: start
        inputs: { Common.CallerAni: "Call.Ani", Common.Dnis: "Call.CalledAddressOriginal" }
        outputs: { Common.IsValid: "Flow.IsValidCaller", Common.CustomerId: "Flow.CustomerId" }
        move: true
        dedupe: true
  - name: sales-compliance
    flows: { types: [inboundcall], include: ["Inbound_Sales_*"] }
    ensure:
      - module: compliance
        at: { after: "Play Welcome" }
        inputs: { Common.Language: "Flow.PreferredLanguage" }
        outputs: { Common.NoticePlayed: "Flow.NoticePlayed" }
      - module: vip
        at: { task: Main }
        inputs: { Common.CustomerId: "Flow.CustomerId" }
        outputs: { Common.IsVip: "Flow.IsVip", Common.VipQueueName: "Flow.VipQueueName" }
  - name: chat-closure
    flows: { types: [inboundchat], include: ["Chat_Support_*"], exclude: ["*_Sandbox"] }
    ensure:
      - module: closure
        at: start
        inputs: { Common.QueueName: "Flow.QueueName" }
        outputs: { Common.IsClosed: "Flow.IsClosed" }
  - name: retire-legacy-auth
    flows: { types: [inboundcall, inboundchat, inboundshortmessage, inqueuecall], include: ["*"] }
    remove: [legacy-auth]
)";

// Only the support chats: a small scope for slow scenarios (rate limits).
inline const char* kChatManifest = R"(apiVersion: flowlink/v1
modules:
  closure: { name: Common_Closure_Check }
rules:
  - name: chat-closure
    flows: { types: [inboundchat], include: ["Chat_Support_*"], exclude: ["*_Sandbox"] }
    ensure:
      - module: closure
        at: start
        inputs: { Common.QueueName: "Flow.QueueName" }
        outputs: { Common.IsClosed: "Flow.IsClosed" }
)";

inline manifest::DesiredState load_test_manifest(const std::string& text, const std::string& file) {
  manifest::LoadResult loaded = manifest::parse_manifest(text, file);
  std::string errors;
  for (const auto& e : loaded.errors) errors += e.str() + "\n";
  INFO(errors);
  REQUIRE(loaded.ok());
  return loaded.state;
}

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct OrgFixture {
  static constexpr const char* kClientId = "flowlink-apply-test";
  // Distinctive, so that a scan of everything flowlink wrote can find it.
  static constexpr const char* kSecret = "s3cret-4pply-7e1f0c9a-never-print-me";

  fs::path dir;  // a fresh directory of its own: state, .flowlink/
  std::unique_ptr<emulator::Emulator> emulator;
  std::unique_ptr<genesys::FlowApi> api;
  std::unique_ptr<EmulatorControl> control;
  manifest::DesiredState desired;

  explicit OrgFixture(const std::string& name, const char* manifest_text = kExampleManifest) {
    dir = fs::path(FLOWLINK_BINARY_DIR) / "apply-tests" / (name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "work");

    emulator::EmulatorOptions options;
    options.state_dir = (dir / "state").string();
    options.seed_dirs = {std::string(FLOWLINK_SOURCE_DIR) + "/examples/org"};
    options.clients = {{kClientId, kSecret, "flowlink apply test"}};
    options.operation_delay_ms = 5;
    options.rate_limit_per_minute = 0;  // tests that want 429s set a limit through /_emulator/config
    emulator = std::make_unique<emulator::Emulator>(options);
    emulator->start();

    genesys::ClientOptions client;
    client.api_url = emulator->base_url();
    client.login_url = emulator->base_url();
    client.client_id = kClientId;
    client.client_secret = kSecret;
    client.parallelism = 4;
    client.retry_base = std::chrono::milliseconds(10);
    api = genesys::make_http_flow_api(client);
    control = std::make_unique<EmulatorControl>(emulator->port());
    desired = load_test_manifest(manifest_text, name + ".yaml");
  }

  fs::path work_dir() const { return dir / "work"; }

  plan::PlanOptions plan_options() const {
    plan::PlanOptions options;
    options.source = emulator->base_url();
    options.flowlink_version = "test";
    return options;
  }
};

}  // namespace flowlink::testing
