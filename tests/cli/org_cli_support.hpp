#pragma once
// The CLI's org commands end to end: the emulated org of the apply tests
// (tests/apply/org_fixture.hpp: examples/org served on a loopback port),
// credentials handed over the way users do (environment variables), and the
// commands run through run_cli / run_apply with captured output. Every run is
// kept so that a test can prove the client secret never showed.

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "apply/org_fixture.hpp"
#include "cli/apply_command.hpp"
#include "cli/cli_test_support.hpp"
#include "cli/commands.hpp"

namespace flowlink::cli::test {

inline constexpr const char* kClientIdVar = "GENESYSCLOUD_OAUTHCLIENT_ID";
inline constexpr const char* kClientSecretVar = "GENESYSCLOUD_OAUTHCLIENT_SECRET";
inline constexpr const char* kRegionVar = "GENESYSCLOUD_REGION";

// Sets (or, with nullptr, unsets) environment variables for a scope and puts
// back what was there before.
class ScopedEnv {
 public:
  ScopedEnv(std::initializer_list<std::pair<const char*, const char*>> vars) {
    for (const auto& [name, value] : vars) {
      const char* old = std::getenv(name);
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      if (value) ::setenv(name, value, 1);
      else ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1);
      else ::unsetenv(it->first.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

struct Run {
  int code = -1;
  std::string out, err;
  std::string both() const { return out + err; }
};

// `flowlink ARGS...` with every command registered.
inline Run run_flowlink(std::vector<std::string> args) {
  args.insert(args.begin(), "flowlink");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out, err;
  Run run;
  run.code = run_cli(static_cast<int>(argv.size()), argv.data(), out, err,
                     {add_validate_command, add_plan_command, add_drift_command, add_apply_command, add_show_command,
                      add_inspect_command, add_restore_command});
  run.out = out.str();
  run.err = err.str();
  return run;
}

// The text after "drift: ... from the manifest: " on stderr, split at ", ".
inline std::vector<std::string> drift_line_flows(const std::string& err) {
  const std::string marker = "from the manifest: ";
  const auto at = err.find(marker);
  if (at == std::string::npos) return {};
  const auto end = err.find('\n', at);
  const std::string list = err.substr(at + marker.size(), end - at - marker.size());
  std::vector<std::string> names;
  for (std::size_t pos = 0; pos <= list.size();) {
    const auto comma = list.find(", ", pos);
    names.push_back(list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 2;
  }
  return names;
}

// The emulated org, the credentials in the environment, and a manifest on disk.
struct CliOrg {
  flowlink::testing::OrgFixture org;
  ScopedEnv env{{kClientIdVar, flowlink::testing::OrgFixture::kClientId},
                {kClientSecretVar, flowlink::testing::OrgFixture::kSecret},
                {kRegionVar, nullptr}};
  std::string manifest;     // -f: the demo manifests (a directory), or the given text in a file
  std::vector<Run> runs;    // everything the commands printed

  // With `manifest_text` null, the committed demo manifests (manifests/).
  explicit CliOrg(const std::string& name, const char* manifest_text = nullptr)
      : org(name, manifest_text ? manifest_text : flowlink::testing::kExampleManifest) {
    if (manifest_text) {
      manifest = (org.dir / (name + ".yaml")).string();
      std::ofstream(manifest, std::ios::binary) << manifest_text;
    } else {
      manifest = kManifests;
    }
  }
  ~CliOrg() {
    org.emulator->stop();
    std::error_code ec;
    fs::remove_all(org.dir, ec);
  }
  CliOrg(const CliOrg&) = delete;
  CliOrg& operator=(const CliOrg&) = delete;

  std::string url() const { return org.emulator->base_url(); }
  std::string work_dir() const { return org.work_dir().string(); }
  std::string work_file(const std::string& name) const { return (org.work_dir() / name).string(); }

  // `flowlink COMMAND ARGS... --api-url URL --no-color`.
  Run flowlink(const std::string& command, std::vector<std::string> args) {
    args.insert(args.begin(), command);
    args.insert(args.end(), {"--api-url", url(), "--no-color"});
    Run run = run_flowlink(std::move(args));
    runs.push_back(run);
    return run;
  }
  Run plan(std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), {"-f", manifest});
    return flowlink("plan", std::move(extra));
  }
  Run drift() { return flowlink("drift", {"-f", manifest}); }
  Run apply_auto() { return flowlink("apply", {"-f", manifest, "--auto-approve", "--work-dir", work_dir()}); }
  Run apply_plan_file(const std::string& plan_path) {
    return flowlink("apply", {plan_path, "--auto-approve", "--work-dir", work_dir()});
  }

  // run_apply itself, for what argv cannot say (a terminal on stdin).
  Run apply_with_input(ApplyCommandOptions options, const std::string& input) {
    options.org.api_url = url();
    options.work_dir = work_dir();
    if (options.manifests.empty() && options.plan_file.empty()) options.manifests = {manifest};
    std::istringstream in(input);
    std::ostringstream out, err;
    Run run;
    run.code = run_apply(options, in, out, err);
    run.out = out.str();
    run.err = err.str();
    runs.push_back(run);
    return run;
  }

  // The id of the flow called `name` (from the org itself).
  std::string flow_id(const std::string& name) const {
    for (const auto& flow : org.api->list_flows({})) {
      if (flow.name == name) return flow.id;
    }
    FAIL("no flow named " << name << " in the emulated org");
    return "";
  }

  // Another user's check-in completes asynchronously; wait until it has.
  void wait_until_unlocked(const std::string& flow_id) const {
    for (int i = 0; i < 300 && org.api->get_flow(flow_id).locked_user; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE_FALSE(org.api->get_flow(flow_id).locked_user);
  }

  // Everything that changed the org since the last clear_requests: every
  // request except reads and the token request.
  std::vector<std::string> writes_since_clear() const {
    std::vector<std::string> writes;
    const auto requests = org.control->requests();  // kept alive for the loop
    for (const auto& [endpoint, count] : requests.at("by_endpoint").items()) {
      if (endpoint.rfind("GET ", 0) == 0 || endpoint == "POST /oauth/token") continue;
      writes.push_back(endpoint + " x" + std::to_string(count.get<int>()));
    }
    return writes;
  }

  // The secret is in no output of any run and in no file flowlink wrote
  // (plans, journal, backups under the work directory).
  void check_secret_never_shown(bool expect_files = true) const {
    const std::string secret = flowlink::testing::OrgFixture::kSecret;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      INFO("run #" << i << " printed the client secret");
      CHECK(runs[i].both().find(secret) == std::string::npos);
    }
    int files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(org.work_dir())) {
      if (!entry.is_regular_file()) continue;
      ++files;
      INFO("the client secret is in " << entry.path());
      CHECK(read_text(entry.path()).find(secret) == std::string::npos);
    }
    if (expect_files) CHECK(files > 0);  // the scan looked at something
  }
};

}  // namespace flowlink::cli::test
