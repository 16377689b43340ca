#pragma once
// Everything the endpoints share: the org, runtime knobs, access control,
// the timer thread, the router and request statistics. No sockets here:
// server.cpp puts the HTTP server (http_server.hpp) in front of Service::handle.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "emulator/access.hpp"
#include "emulator/emulator.hpp"
#include "emulator/http_types.hpp"
#include "emulator/listing_cache.hpp"
#include "emulator/org_store.hpp"

namespace flowlink::emulator {

// Knobs that /_emulator/config can change while the server runs.
struct RuntimeConfig {
  int rate_limit_per_minute = 300;  // per rate window (a minute unless rate_window_ms says otherwise)
  int rate_window_ms = 60000;
  int latency_ms = 0;
  double fault_rate = 0.0;
  std::uint64_t fault_seed = 1;
  int operation_delay_ms = 50;
  std::set<std::string> fail_publish;  // flow ids whose publish operations fail
  // Route ("POST /api/v2/flows/{id}/versions") -> how many of its next
  // requests are carried out and then answered by a dropped connection: the
  // answer lost after the change was made, which a client cannot tell from
  // a request that never arrived.
  std::map<std::string, int> drop_after;
};

// One timer thread: delayed answers (latency) and operation completions.
class Scheduler {
 public:
  Scheduler();
  ~Scheduler();
  void after(std::chrono::milliseconds delay, std::function<void()> task);
  void stop();  // runs nothing more; pending tasks are dropped

 private:
  struct Item {
    std::chrono::steady_clock::time_point when;
    std::uint64_t order;
    std::function<void()> task;
    bool operator>(const Item& other) const {
      return when != other.when ? when > other.when : order > other.order;
    }
  };
  void run();
  std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> items_;
  std::uint64_t counter_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

// Who the org is (GET /api/v2/organizations/me): the id is kept in the
// state dir, the name comes from EmulatorOptions::org_name.
struct OrgIdentity {
  std::string id;
  std::string name;
};

// Loads the org's id from state_dir/organization.json, or makes one and
// writes it there (once per state dir). Throws std::runtime_error when the
// file exists but holds no id.
OrgIdentity open_org_identity(const std::filesystem::path& state_dir, const std::string& name);

class Service;
using Handler = std::function<Response(Service&, Request&)>;

// Which pipeline a route goes through.
enum class RouteKind {
  Api,      // /api/v2: auth, rate limit, faults, latency, counted
  OAuth,    // /oauth/token: latency, counted
  Control,  // /_emulator: none of it
};

struct Route {
  std::string method;
  std::vector<std::string> segments;  // "{x}" captures
  std::string pattern;                // "GET /api/v2/flows/{id}" for statistics
  RouteKind kind;
  Handler handler;
};

class Service {
 public:
  explicit Service(EmulatorOptions options);
  ~Service();

  // The whole request pipeline (routing, faults, auth, rate limit, handler,
  // errors, headers). Delay (latency) is applied by the caller.
  Response handle(Request& request, int* latency_ms);

  void add_route(std::string method, std::string pattern, RouteKind kind, Handler handler);

  RuntimeConfig config() const;
  // True (and counts one down) when this route's answer is to be dropped
  // after the request was carried out (RuntimeConfig::drop_after).
  bool take_drop_after(const std::string& route_pattern);
  bool has_route(const std::string& route_pattern) const;  // "METHOD /path/{param}"
  void set_config(const RuntimeConfig& config, bool restart_fault_sequence = false);

  OrgStore& store() { return store_; }
  Scheduler& scheduler() { return scheduler_; }
  AccessControl& access() { return access_; }
  // Answers of the flow listing, valid while the store generation holds.
  ListingCache& listing_cache() { return listing_cache_; }
  const EmulatorOptions& options() const { return options_; }
  // Set once at start, before the server takes requests.
  void set_identity(OrgIdentity identity) { identity_ = std::move(identity); }
  const OrgIdentity& identity() const { return identity_; }

  // Request statistics (/_emulator/requests).
  Json request_stats() const;
  void reset_request_stats();

 private:
  const Route* match(Request& request, bool* path_known) const;
  bool draw_fault(double rate, int* status, bool* drop);

  EmulatorOptions options_;
  OrgIdentity identity_;
  OrgStore store_;
  ListingCache listing_cache_;
  Scheduler scheduler_;
  AccessControl access_;
  std::vector<Route> routes_;

  mutable std::mutex config_mutex_;
  RuntimeConfig config_;
  std::mt19937_64 fault_rng_;

  mutable std::mutex stats_mutex_;
  std::uint64_t total_requests_ = 0;
  std::map<std::string, std::uint64_t> by_endpoint_;
  std::map<int, std::uint64_t> by_status_;  // API answers by HTTP status (429s for the benchmarks)
};

// Route tables, one per endpoints file.
void register_oauth_routes(Service& service);
void register_organization_routes(Service& service);
void register_flow_routes(Service& service);
void register_version_routes(Service& service);
void register_action_routes(Service& service);
void register_dependency_routes(Service& service);
void register_control_routes(Service& service);

// Completes check-in / publish operations left running by a stopped server.
void resume_operations(Service& service);

}  // namespace flowlink::emulator
