// kill -9 of the flowlink-emulator program in the middle of a stream of
// saves: after a restart on the same state dir, every flow loads, every
// acknowledged save is there, and no document is torn.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "support.hpp"

extern char** environ;

using namespace emutest;

namespace {

const std::string kBinary = FLOWLINK_BINARY_DIR "/flowlink-emulator";

// The emulator as a child process.
struct Child {
  pid_t pid = -1;
  int port = 0;

  Child(const std::filesystem::path& state, const std::filesystem::path& work) {
    const auto port_file = work / "port";
    std::filesystem::remove(port_file);
    std::vector<std::string> args = {kBinary, "--listen", "127.0.0.1:0", "--port-file", port_file.string(),
                                     "--state", state.string(), "--operation-delay-ms", "10"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, (work / "emulator.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid, kBinary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE_MESSAGE(rc == 0, "cannot start " << kBinary);
    for (int i = 0; i < 400 && port == 0; ++i) {
      std::ifstream in(port_file);
      if (!(in >> port)) port = 0;
      if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    REQUIRE_MESSAGE(port != 0, "the emulator never wrote its port file");
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port); }
  void kill9() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      pid = -1;
    }
  }
  void stop() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      int status = 0;
      ::waitpid(pid, &status, 0);
      CHECK(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 0);
      pid = -1;
    }
  }
  ~Child() { kill9(); }
};

Json numbered_doc(int n) {
  Json doc = consumer_doc("Hammered", "inboundcall", {});
  doc["description"] = "save " + std::to_string(n);
  doc["padding"] = std::string(20000, 'x');  // big enough that a write takes a while
  return doc;
}

}  // namespace

TEST_CASE("kill -9 during saves leaves a consistent org") {
  REQUIRE_MESSAGE(std::filesystem::exists(kBinary), kBinary << " is not built (cmake --build ... --target flowlink-emulator)");
  TempDir dir;
  const auto state = dir.path / "state";
  std::string flow_id, module_id, token;
  std::atomic<int> acknowledged{0};
  {
    Child child(state, dir.path);
    Client c(child.base_url());
    c.login();
    token = c.token;
    module_id = publish_new_flow(c, module_doc("Survivor"));
    Reply created = c.api("POST", "/api/v2/flows", R"({"name":"Hammered","type":"inboundcall"})");
    REQUIRE(created.status == 200);
    flow_id = created.json()["id"];

    std::atomic<bool> stop{false};
    std::thread writer([&] {
      Client w(child.base_url());
      w.token = token;
      for (int n = 1; !stop; ++n) {
        Reply saved = w.api("POST", "/api/v2/flows/" + flow_id + "/versions", numbered_doc(n).dump());
        if (saved.status != 200) break;  // the server died
        acknowledged = std::stoi(saved.json()["id"].get<std::string>());
      }
    });
    while (acknowledged < 5) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(37));
    child.kill9();
    stop = true;
    writer.join();
  }
  REQUIRE(acknowledged >= 5);

  Child child(state, dir.path);
  Client c(child.base_url());
  c.token = token;  // tokens survive restarts
  Json flow = c.api("GET", "/api/v2/flows/" + flow_id).json();
  REQUIRE(flow.contains("savedVersion"));
  const int saved = std::stoi(flow["savedVersion"]["id"].get<std::string>());
  CHECK(saved >= acknowledged);  // nothing acknowledged was lost
  CHECK(flow["lockedClient"]["id"] == "flowlink-test");
  Reply latest = c.api("GET", "/api/v2/flows/" + flow_id + "/latestconfiguration");
  REQUIRE(latest.status == 200);
  CHECK(latest.json() == numbered_doc(saved));  // the document that version names, whole
  Json versions = c.api("GET", "/api/v2/flows/" + flow_id + "/versions?pageSize=500").json();
  CHECK(versions["total"] == saved);
  for (const auto& v : versions["entities"]) {
    const std::string id = v["id"];
    Reply conf = c.api("GET", "/api/v2/flows/" + flow_id + "/versions/" + id + "/configuration");
    REQUIRE(conf.status == 200);
    CHECK(conf.json() == numbered_doc(std::stoi(id)));
  }
  CHECK(c.api("GET", "/api/v2/flows/" + module_id).json()["publishedVersion"]["id"] == "1.0");

  // The restarted server works on: check in what survived.
  REQUIRE(c.api("POST", "/api/v2/flows/actions/checkin?flow=" + flow_id).status == 200);
  CHECK(settle(c, flow_id)["checkedInVersion"]["id"] == std::to_string(saved) + ".0");
  child.stop();  // SIGTERM: a clean exit
}
