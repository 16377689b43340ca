#pragma once
// The small interface through which flowlink talks to Genesys Cloud's
// Architect API. The implementation (http_flow_api.cpp, cpprestsdk) is the
// only code that speaks HTTP; nothing outside src/genesys includes cpprest.
// Reference: shared/reference/genesys-api.md.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genesys/answer_limits.hpp"
#include "genesys/proxy.hpp"
#include "util/parallel_for.hpp"

namespace flowlink::genesys {

using Json = nlohmann::json;

// A failed API call: which call, which flow, the HTTP status, Genesys's
// message, code and contextId. Never carries a secret or a token.
class ApiError : public std::runtime_error {
 public:
  ApiError(std::string call, std::string flow, int status, std::string code, std::string message,
           std::string context_id);
  const std::string& call() const { return call_; }      // "POST /api/v2/flows/actions/checkout"
  const std::string& flow() const { return flow_; }      // flow id or name, may be ""
  int status() const { return status_; }                 // 0: no HTTP answer (connection)
  const std::string& code() const { return code_; }      // ErrorBody.code
  const std::string& api_message() const { return message_; }
  const std::string& context_id() const { return context_id_; }
  // A state-changing call that got no answer (or 500/502/504): it may or may
  // not have been carried out. Set by the client; callers reconcile by reading.
  bool outcome_unknown() const { return outcome_unknown_; }
  void mark_outcome_unknown() { outcome_unknown_ = true; }

 private:
  std::string call_, flow_;
  int status_;
  std::string code_, message_, context_id_;
  bool outcome_unknown_ = false;
};

struct EntityRef {
  std::string id;
  std::string name;
};

struct FlowVersionInfo {
  std::string id;    // "1.0", "2.0", ...
  std::string name;
  std::string type;  // PUBLISH | CHECKIN | SAVE
  // Who made the version: a person (createdBy) or an OAuth client
  // (createdByClient); Genesys may send either or both.
  std::optional<EntityRef> created_by;
  std::optional<EntityRef> created_by_client;
  std::int64_t date_created = 0;     // epoch ms; 0: not sent
  std::int64_t date_checked_in = 0;  // epoch ms; 0: not sent
  std::string date_published;        // ISO-8601 as sent; "" when not published
};

struct Operation {
  std::string id;
  bool complete = false;
  std::string action_name;    // CHECKIN, PUBLISH, ...
  std::string action_status;  // STARTED, SUCCESS, FAILURE, ...
  std::string error_message;
  std::string error_code;
  std::optional<EntityRef> user;    // who started it: a person ...
  std::optional<EntityRef> client;  // ... or an OAuth client
};

// The org a token belongs to (GET /api/v2/organizations/me).
struct Organization {
  std::string id;
  std::string name;
};


// The Flow object, with the fields flowlink uses.
struct Flow {
  std::string id;
  std::string name;
  std::string type;  // lowercase here (Genesys answers UPPERCASE)
  std::optional<EntityRef> locked_user;
  std::optional<EntityRef> locked_client;
  std::optional<FlowVersionInfo> published_version;
  std::optional<FlowVersionInfo> saved_version;
  std::optional<FlowVersionInfo> checked_in_version;
  std::optional<Operation> current_operation;
  std::optional<EntityRef> division;
  bool deleted = false;
  // The whole object as received, as compact JSON text: the cache of repeat
  // runs keys a flow's plan on it. Text, not a Json tree: a listing of 5,000
  // flows held as trees took ~20 KB a flow.
  std::string raw;
};

// What waiting for an operation found.
struct OperationWait {
  // Ours, complete, when it was still the flow's currentOperation at the
  // end; when `replaced`, the last state of it that was seen.
  Operation operation;
  // Another operation (someone else's check-in, say) became the flow's
  // currentOperation before ours was seen complete: the caller must read
  // `flow`'s versions to learn what ours did.
  bool replaced = false;
  Flow flow;  // the flow as last read
};

// One entry of dependency tracking (Models.Dependency): a flow version that
// uses an object, or an object a flow version uses.
struct Dependency {
  std::string id;
  std::string name;
  std::string version;  // consumers: the consumer's version; consumed: the version it uses (snapshotted)
  std::string type;     // object type: COMMONMODULEFLOW, INBOUNDCALLFLOW, ...
  bool deleted = false;
  bool updated = false;  // consumed: the object changed since this version took it
  bool state_unknown = false;
};

struct ListFlowsQuery {
  std::vector<std::string> types;  // lowercase; empty: all
  std::string name;                // server-side filter; flowlink matches locally
  int page_size = 500;
  // Fill Flow::raw (~2 KB a flow). Off when nothing keys on the listing's
  // text (no cache of repeat runs): then raw is "".
  bool raw = true;
};

struct RequestStats {
  std::uint64_t requests = 0;  // every HTTP request sent, retries included
  std::uint64_t retries = 0;
  std::uint64_t rate_limited = 0;  // 429 answers
  std::uint64_t server_errors = 0; // 5xx answers and dropped connections
  std::uint64_t token_requests = 0;
  std::uint64_t paced = 0;  // requests held back to keep under the announced rate limit
};

class FlowApi {
 public:
  virtual ~FlowApi() = default;

  // GET /api/v2/flows, every page.
  virtual std::vector<Flow> list_flows(const ListFlowsQuery& query) = 0;
  // The same flows, each given to `each` as soon as its page is read, and
  // not kept: a listing of thousands of flows never stands whole. Calls to
  // `each` do not overlap, but come from any thread and, across pages, in any
  // order (within a page, the page's); a flow listed twice (it moved between
  // pages while they were read) is given once. By default, list_flows' flows.
  virtual void for_each_flow(const ListFlowsQuery& query, const std::function<void(Flow&&)>& each) {
    for (Flow& flow : list_flows(query)) each(std::move(flow));
  }
  // GET /api/v2/flows/{id}
  virtual Flow get_flow(const std::string& flow_id) = 0;
  // GET /api/v2/flows/{id}/latestconfiguration: the document as text, so that
  // flowdoc parses it with key order intact.
  virtual std::string latest_configuration(const std::string& flow_id) = 0;
  // GET /api/v2/flows/{id}/versions/{v}/configuration
  virtual std::string version_configuration(const std::string& flow_id, const std::string& version) = 0;
  // POST /api/v2/flows/actions/checkout?flow=
  virtual Flow checkout(const std::string& flow_id) = 0;
  // POST /api/v2/flows/{id}/versions with the whole document as body.
  virtual FlowVersionInfo save_version(const std::string& flow_id, const std::string& document) = 0;
  // POST /api/v2/flows/actions/checkin?flow= ; the returned Operation completes later.
  virtual Operation checkin(const std::string& flow_id) = 0;
  // POST /api/v2/flows/actions/publish?flow=[&version=]
  virtual Operation publish(const std::string& flow_id, const std::string& version = "") = 0;
  // POST /api/v2/flows/actions/revert?flow= (discard the draft, unlock)
  virtual Flow revert(const std::string& flow_id) = 0;
  // POST /api/v2/flows/actions/unlock?flow= (admin: break a lock)
  virtual Flow unlock(const std::string& flow_id) = 0;
  // Polls GET /api/v2/flows/{id} until the operation with this id is
  // complete, or another operation has replaced it as currentOperation
  // (OperationWait::replaced; no waiting for the timeout then). The first
  // look comes when such an operation has lately been done on this org
  // (timed from when this client started it), later ones after growing
  // pauses (operation_pacing.hpp): check-ins and publishes take from tens of
  // milliseconds to seconds. Throws ApiError on timeout.
  virtual OperationWait wait_for_operation(const std::string& flow_id, const std::string& operation_id,
                                           std::chrono::milliseconds timeout) = 0;
  // Sleeps until an operation this client started on the flow (a check-in)
  // has typically ended, for a caller whose next request tells by itself
  // whether it did (a publish is refused while another operation runs).
  virtual void pause_for_operation(const std::string& flow_id, const std::string& operation_id) = 0;
  // GET /api/v2/organizations/me: which org the credentials belong to.
  virtual Organization organization() = 0;
  // GET /api/v2/architect/dependencytracking/consumingresources, every page:
  // the flows whose `flow_filter` ("published" or "checkedIn") version uses
  // object `id` of `object_type` (e.g. COMMONMODULEFLOW).
  virtual std::vector<Dependency> consuming_resources(const std::string& id, const std::string& object_type,
                                                      const std::string& flow_filter) = 0;
  // GET .../consumedresources, every page: what one flow version uses.
  virtual std::vector<Dependency> consumed_resources(const std::string& id, const std::string& version,
                                                     const std::string& object_type) = 0;
  // GET .../build: the index's status; answers are trustworthy only while
  // it is OPERATIONAL.
  virtual std::string dependency_tracking_status() = 0;
  // Who this client is (the lockedClient id Genesys reports for our locks).
  virtual std::string client_id() const = 0;

  virtual RequestStats stats() const = 0;
};

struct ClientOptions {
  std::string api_url;    // "https://api.mypurecloud.com" or "http://127.0.0.1:PORT"
  std::string login_url;  // "https://login.mypurecloud.com"; for loopback the same as api_url
  std::string client_id;
  std::string client_secret;  // never printed
  // Used as given instead of the client-credentials grant (as CX as Code's
  // GENESYSCLOUD_ACCESS_TOKEN); never printed. client_id may then be empty
  // (it only tells flowlink's own locks).
  std::string access_token;
  ProxySettings proxy;        // HTTPS_PROXY / NO_PROXY
  int parallelism = 8;        // concurrent requests
  int token_pool = 1;         // tokens to spread calls over (1-50)
  int max_retries = 6;
  std::chrono::milliseconds retry_base{200};
  std::chrono::milliseconds retry_budget{120000};  // total time spent waiting on retries
  // Per request: the most time spent waiting out 429s (Retry-After), apart
  // from the retries and budget above, which are for faults.
  std::chrono::milliseconds rate_limit_wait{300000};
  // Pace each token to the rate limit its answers announce (rate_pacer.hpp).
  bool pace = true;
  std::chrono::milliseconds timeout{30000};        // per request
  AnswerLimits answer_limits;  // how large each kind of answer may be (answer_limits.hpp)
};

// Maps a region ("mypurecloud.com", "usw2.pure.cloud", "api.mypurecloud.ie",
// or CX as Code's "us-east-1", "eu-west-1") to API and login URLs. Throws std::invalid_argument for an unknown region.
std::pair<std::string, std::string> region_urls(const std::string& region);

// Rejects plain http to anything but loopback (TLS verification stays on).
void check_api_url(const std::string& url);

std::unique_ptr<FlowApi> make_http_flow_api(const ClientOptions& options);

// The fork-join the client's callers use for concurrent requests.
using util::parallel_for;

}  // namespace flowlink::genesys
