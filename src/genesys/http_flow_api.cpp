// FlowApi over HTTP: the Architect endpoints flowlink uses, each one call
// through HttpTransport (tokens, retries, errors), answers mapped to the model.

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "genesys/flow_api.hpp"
#include "genesys/http_transport.hpp"
#include "genesys/model_json.hpp"
#include "genesys/operation_pacing.hpp"
#include "genesys/token_source.hpp"
#include "util/encoding.hpp"
#include "util/ascii.hpp"
#include "util/json_depth.hpp"

namespace flowlink::genesys {
namespace {

using std::chrono::milliseconds;

const std::string flows_path = "/api/v2/flows";

std::string flow_path(const std::string& flow_id) { return flows_path + "/" + util::url_encode(flow_id); }

std::string flow_query(const std::string& flow_id) { return "flow=" + util::url_encode(flow_id); }

// GETs by what they answer, for the answer's size bound (answer_limits.hpp).
ApiRequest listing_page(const std::string& path, const std::string& query) {
  ApiRequest request{"GET", path, query, "", ""};
  request.answer = AnswerKind::ListingPage;
  return request;
}

ApiRequest flow_document(const std::string& path, const std::string& flow_id) {
  ApiRequest request{"GET", path, "", "", flow_id};
  request.answer = AnswerKind::FlowDocument;
  return request;
}

Json parse_json(const std::string& body, const ApiRequest& request, const Json::parser_callback_t& callback = nullptr) {
  // Bounded before parsing: copying a page (list_flows) recurses per level.
  if (util::json_text_depth(body, util::kMaxJsonDepth) > util::kMaxJsonDepth)
    throw ApiError(request.method + " " + request.path, request.flow, 200, "invalid.response",
                   "the server sent JSON nested deeper than " + std::to_string(util::kMaxJsonDepth) +
                       " levels; refused",
                   "");
  Json json = Json::parse(body, callback, /*allow_exceptions=*/false);
  if (json.is_discarded())
    throw ApiError(request.method + " " + request.path, request.flow, 200, "invalid.response",
                   "the answer is not JSON", "");
  return json;
}

// A listing page: its Flow objects, and the rest of it (pageCount, total,
// nextUri) as a tree.
struct ListingPage {
  Json rest;
  std::vector<Flow> flows;
};

// Each entity of the page's "entities" array becomes a Flow as soon as the
// parser has read it, and its tree goes: eight pages of 500 flows parsed side
// by side held ~20 MB of trees, and the allocator kept the pages it had
// grown for them to the end of the run. The flows are what flow_from_json
// makes of each entity of the whole tree: the last "entities" key counts, and
// none when it is not an array.
ListingPage parse_listing_page(const std::string& body, const ApiRequest& request, bool raw) {
  ListingPage page;
  bool top_is_object = false;
  bool entities_key = false;  // the top object's key being read is "entities"
  bool in_entities = false;   // inside the top object's "entities" array
  // Depths as nlohmann reports them: the top value 0, its members 1, the
  // elements of a member array 2.
  const Json::parser_callback_t callback = [&](int depth, Json::parse_event_t event, Json& parsed) {
    using Event = Json::parse_event_t;
    if (depth == 0 && event == Event::object_start) top_is_object = true;
    if (!top_is_object || depth > 2) return true;
    if (depth == 1 && event == Event::key) {
      entities_key = parsed.is_string() && parsed.get_ref<const std::string&>() == "entities";
      if (entities_key) page.flows.clear();  // a later "entities" replaces an earlier one
    } else if (depth == 1 && event == Event::array_start) {
      in_entities = entities_key;
    } else if (depth == 1 && event == Event::array_end) {
      in_entities = false;
    } else if (depth == 2 && in_entities &&
               (event == Event::object_end || event == Event::array_end || event == Event::value)) {
      page.flows.push_back(flow_from_json(parsed, raw));
      return false;  // the entity is a Flow now: drop its tree
    }
    return true;
  };
  page.rest = parse_json(body, request, callback);
  return page;
}

// "/api/v2/flows?pageNumber=2" or "https://api.x/api/v2/flows?..." -> path and query.
std::pair<std::string, std::string> split_uri(std::string uri) {
  if (auto scheme = uri.find("://"); scheme != std::string::npos) {
    auto path_start = uri.find('/', scheme + 3);
    uri = path_start == std::string::npos ? "/" : uri.substr(path_start);
  }
  auto question = uri.find('?');
  if (question == std::string::npos) return {uri, ""};
  return {uri.substr(0, question), uri.substr(question + 1)};
}

class HttpFlowApi final : public FlowApi {
 public:
  explicit HttpFlowApi(const ClientOptions& options) : options_(options), transport_(options) {}

  std::vector<Flow> list_flows(const ListFlowsQuery& query) override {
    std::mutex mutex;
    std::vector<std::vector<Flow>> pages;  // by page number
    read_listing(query, [&](std::size_t page_index, std::vector<Flow>&& page) {
      std::lock_guard lock(mutex);
      if (pages.size() <= page_index) pages.resize(page_index + 1);
      pages[page_index] = std::move(page);
    });
    // A flow created or deleted while paging shifts entries between pages:
    // keep each id once, the first page's.
    std::vector<Flow> flows;
    std::size_t listed = 0;
    for (const auto& page : pages) listed += page.size();
    flows.reserve(listed);  // not grown by doubling: a Flow is ~1.5 KB
    std::unordered_set<std::string> seen_ids;
    for (auto& page : pages) {
      for (Flow& flow : page)
        if (seen_ids.insert(flow.id).second) flows.push_back(std::move(flow));
      page = {};
    }
    return flows;
  }

  void for_each_flow(const ListFlowsQuery& query, const std::function<void(Flow&&)>& each) override {
    std::mutex mutex;
    std::unordered_set<std::string> seen_ids;
    read_listing(query, [&](std::size_t, std::vector<Flow>&& page) {
      std::lock_guard lock(mutex);
      for (Flow& flow : page)
        if (seen_ids.insert(flow.id).second) each(std::move(flow));
    });
  }

  Flow get_flow(const std::string& flow_id) override {
    return flow_from_json(get_json(ApiRequest{"GET", flow_path(flow_id), "", "", flow_id}));
  }

  std::string latest_configuration(const std::string& flow_id) override {
    return transport_.send(flow_document(flow_path(flow_id) + "/latestconfiguration", flow_id));
  }

  std::string version_configuration(const std::string& flow_id, const std::string& version) override {
    return transport_.send(
        flow_document(flow_path(flow_id) + "/versions/" + util::url_encode(version) + "/configuration", flow_id));
  }

  Flow checkout(const std::string& flow_id) override {
    return flow_from_json(get_json(ApiRequest{"POST", flows_path + "/actions/checkout", flow_query(flow_id), "", flow_id}));
  }

  FlowVersionInfo save_version(const std::string& flow_id, const std::string& document) override {
    return version_from_json(get_json(ApiRequest{"POST", flow_path(flow_id) + "/versions", "", document, flow_id, false}));
  }

  Operation checkin(const std::string& flow_id) override {
    Operation operation = operation_from_json(
        get_json(ApiRequest{"POST", flows_path + "/actions/checkin", flow_query(flow_id), "", flow_id, false}));
    started(flow_id, operation, "CHECKIN");
    return operation;
  }

  Operation publish(const std::string& flow_id, const std::string& version) override {
    std::string query = flow_query(flow_id);
    if (!version.empty()) query += "&version=" + util::url_encode(version);
    Operation operation =
        operation_from_json(get_json(ApiRequest{"POST", flows_path + "/actions/publish", query, "", flow_id, false}));
    // Accepted: whatever ran on the flow before (a check-in the caller
    // paused for) had ended by the time it was.
    end_unwatched(flow_id);
    started(flow_id, operation, "PUBLISH");
    return operation;
  }

  void pause_for_operation(const std::string& flow_id, const std::string& operation_id) override {
    milliseconds pause{0};
    {
      std::lock_guard<std::mutex> lock(running_mutex_);
      auto it = running_.find(flow_id);
      if (it == running_.end() || it->second.id != operation_id) {
        // Started by a request whose answer was lost (found by a read): timed from now.
        it = running_.insert_or_assign(flow_id, Running{operation_id, "", std::chrono::steady_clock::now(), 0}).first;
      }
      Running& op = it->second;
      pause = pacing_.next_pause(op.action, since(op.started), milliseconds(0));
      op.looks = 1;  // the caller's next request is the look
    }
    std::this_thread::sleep_for(pause);
  }

  Flow revert(const std::string& flow_id) override {
    return flow_from_json(get_json(ApiRequest{"POST", flows_path + "/actions/revert", flow_query(flow_id), "", flow_id}));
  }

  Flow unlock(const std::string& flow_id) override {
    return flow_from_json(get_json(ApiRequest{"POST", flows_path + "/actions/unlock", flow_query(flow_id), "", flow_id}));
  }

  OperationWait wait_for_operation(const std::string& flow_id, const std::string& operation_id,
                                   milliseconds timeout) override {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    // The first look when such an operation is typically done, then growing
    // pauses (operation_pacing.hpp). An operation this client did not start
    // (or started long ago) is timed from now.
    Running op = take_running(flow_id, operation_id);
    milliseconds pause = pacing_.next_pause(op.action, since(op.started), milliseconds(0));
    std::string last_seen = "no current operation";
    OperationWait wait;
    for (;;) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          pause, std::max<std::chrono::steady_clock::duration>(deadline - std::chrono::steady_clock::now(),
                                                               std::chrono::steady_clock::duration::zero())));
      wait.flow = get_flow(flow_id);
      ++op.looks;
      if (wait.flow.current_operation) {
        const Operation& operation = *wait.flow.current_operation;
        if (operation_id.empty() || operation.id == operation_id) {
          wait.operation = operation;
          if (operation.complete) {
            pacing_.observe(op.action.empty() ? operation.action_name : op.action, since(op.started), op.looks);
            return wait;
          }
        } else {
          // Someone's newer operation: ours is over, its outcome is in the versions.
          wait.replaced = true;
          return wait;
        }
        last_seen = "current operation " + operation.id + " " + operation.action_name + " " + operation.action_status;
      } else if (!operation_id.empty()) {
        wait.replaced = true;  // no operation shown at all: ours is no longer the current one
        return wait;
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) {
        std::string which = operation_id.empty() ? "the current operation" : "operation " + operation_id;
        throw ApiError("GET " + flow_path(flow_id), flow_id, 0, "operation.timeout",
                       which + " did not complete within " + std::to_string(timeout.count()) + " ms (" +
                           last_seen + ")",
                       "");
      }
      pause = pacing_.next_pause(op.action, since(op.started), pause.count() == 0 ? OperationPacing::kShortest : pause);
    }
  }

  std::vector<Dependency> consuming_resources(const std::string& id, const std::string& object_type,
                                              const std::string& flow_filter) override {
    std::string query = "id=" + util::url_encode(id) + "&objectType=" + util::url_encode(object_type);
    if (!flow_filter.empty()) query += "&flowFilter=" + util::url_encode(flow_filter);
    return dependencies(kDependencyPath + std::string("/consumingresources"), query, id);
  }

  std::vector<Dependency> consumed_resources(const std::string& id, const std::string& version,
                                             const std::string& object_type) override {
    const std::string query = "id=" + util::url_encode(id) + "&version=" + util::url_encode(version) +
                              "&objectType=" + util::url_encode(object_type);
    return dependencies(kDependencyPath + std::string("/consumedresources"), query, id);
  }

  std::string dependency_tracking_status() override {
    Json build = get_json(ApiRequest{"GET", kDependencyPath + std::string("/build"), "", "", ""});
    return build.is_object() && build.contains("status") && build["status"].is_string()
               ? build["status"].get<std::string>()
               : std::string();
  }

  Organization organization() override {
    return organization_from_json(get_json(ApiRequest{"GET", "/api/v2/organizations/me", "", "", ""}));
  }

  std::string client_id() const override { return options_.client_id; }

  RequestStats stats() const override { return transport_.stats(); }

 private:
  // Reads every page of the listing, several at once when the first page
  // gives their count; each page's flows go to `on_page` (with the page's
  // index) as soon as it is parsed, from the thread that read it.
  void read_listing(const ListFlowsQuery& query,
                    const std::function<void(std::size_t, std::vector<Flow>&&)>& on_page) {
    int page_size = std::clamp(query.page_size, 1, 500);
    auto page_query = [&](int page_number) {
      std::string text = "pageSize=" + std::to_string(page_size) + "&pageNumber=" + std::to_string(page_number) +
                         "&sortBy=id&sortOrder=asc";
      for (const auto& type : query.types) text += "&type=" + util::url_encode(util::ascii_lower(type));
      if (!query.name.empty()) text += "&name=" + util::url_encode(query.name);
      return text;
    };

    // Each page becomes Flow objects as it is parsed (parse_listing_page): a
    // 5,000-flow listing held as trees would take ~100 MB.
    auto get_page = [&](const std::string& path, const std::string& page_query_text) {
      const ApiRequest request = listing_page(path, page_query_text);
      return parse_listing_page(transport_.send(request), request, query.raw);
    };
    ListingPage first_page = get_page(flows_path, page_query(1));
    Json first = std::move(first_page.rest);
    on_page(0, std::move(first_page.flows));
    int page_count = 0;
    if (auto it = first.find("pageCount"); it != first.end() && it->is_number_integer()) {
      // The listing's own total bounds its pages: a server that claims more
      // (10^9 pages, say) is not believed.
      const long long claimed = it->get<long long>();
      long long total = -1;
      if (auto t = first.find("total"); t != first.end() && t->is_number_integer()) total = t->get<long long>();
      const long long by_total = total >= 0 ? (total + page_size - 1) / page_size : -1;
      if (claimed < 0 || claimed > kMaxListingPages || (by_total >= 0 && claimed > by_total + 1))
        throw ApiError("GET " + flows_path, "", 200, "invalid.response",
                       "the server sent pageCount " + std::to_string(claimed) + " for a listing of " +
                           (total >= 0 ? std::to_string(total) : std::string("an unstated number of")) +
                           " flows at " + std::to_string(page_size) + " a page; refused",
                       "");
      page_count = static_cast<int>(claimed);
    }
    if (page_count > 1) {
      // Pages are independent: fetch them side by side.
      parallel_for(static_cast<std::size_t>(page_count) - 1, options_.parallelism, [&](std::size_t i) {
        on_page(i + 1, std::move(get_page(flows_path, page_query(static_cast<int>(i) + 2)).flows));
      });
    } else if (page_count == 0) {
      // No pageCount: follow nextUri one page at a time.
      std::unordered_set<std::string> seen_uris;
      std::size_t page_index = 0;
      for (Json page = std::move(first); page.contains("nextUri") && page["nextUri"].is_string();) {
        std::string next = page["nextUri"].get<std::string>();
        if (next.empty() || !seen_uris.insert(next).second) break;
        if (seen_uris.size() >= kMaxListingPages)
          throw ApiError("GET " + flows_path, "", 200, "invalid.response",
                         "the server's nextUri chain goes on past " + std::to_string(kMaxListingPages) +
                             " pages; refused",
                         "");
        auto [path, next_query] = split_uri(next);
        ListingPage next_page = get_page(path, next_query);
        page = std::move(next_page.rest);
        on_page(++page_index, std::move(next_page.flows));
      }
    }
  }

  Json get_json(const ApiRequest& request) { return parse_json(transport_.send(request), request); }

  // An operation this client started and nobody has seen complete yet; at
  // most one per flow (Genesys runs one at a time on a flow).
  struct Running {
    std::string id;
    std::string action;  // CHECKIN, PUBLISH; "" when not known
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    int looks = 0;  // requests that looked at it already
  };

  static milliseconds since(std::chrono::steady_clock::time_point then) {
    return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - then);
  }

  void started(const std::string& flow_id, const Operation& operation, const char* action) {
    std::lock_guard<std::mutex> lock(running_mutex_);
    if (operation.complete) {
      running_.erase(flow_id);
      return;
    }
    running_[flow_id] = Running{operation.id, action, std::chrono::steady_clock::now(), 0};
  }

  // The flow's operation ended without a wait seeing it: if a caller paused
  // for it, its pause was long enough.
  void end_unwatched(const std::string& flow_id) {
    std::lock_guard<std::mutex> lock(running_mutex_);
    auto it = running_.find(flow_id);
    if (it == running_.end()) return;
    if (it->second.looks > 0) pacing_.observe(it->second.action, since(it->second.started), it->second.looks);
    running_.erase(it);
  }

  Running take_running(const std::string& flow_id, const std::string& operation_id) {
    std::lock_guard<std::mutex> lock(running_mutex_);
    auto it = running_.find(flow_id);
    if (it == running_.end() || operation_id.empty() || it->second.id != operation_id) return Running{};
    Running op = it->second;
    running_.erase(it);
    return op;
  }

  // Every page of a dependency-tracking listing, one after another (a page
  // count the server reports is trusted up to kMaxDependencyPages).
  std::vector<Dependency> dependencies(const std::string& path, const std::string& query, const std::string& about) {
    std::vector<Dependency> out;
    for (int page = 1; page <= kMaxDependencyPages; ++page) {
      ApiRequest request = listing_page(path, query + "&pageSize=100&pageNumber=" + std::to_string(page));
      request.flow = about;
      Json body = get_json(request);
      auto entities = body.find("entities");
      if (entities == body.end() || !entities->is_array()) break;
      for (const Json& e : *entities) out.push_back(dependency_from_json(e));
      const int page_count = body.value("pageCount", 0);
      if (page >= page_count || entities->empty()) break;
    }
    return out;
  }

  static constexpr const char* kDependencyPath = "/api/v2/architect/dependencytracking";
  // 10,000 pages of 500 flows: far beyond any org (Genesys caps orgs well below).
  static constexpr long long kMaxListingPages = 10000;
  static constexpr int kMaxDependencyPages = 1000;

  ClientOptions options_;
  mutable HttpTransport transport_;
  OperationPacing pacing_;
  std::mutex running_mutex_;
  std::map<std::string, Running> running_;  // by flow id
};

}  // namespace

std::unique_ptr<FlowApi> make_http_flow_api(const ClientOptions& options) {
  ClientOptions checked = options;
  if (checked.api_url.empty()) throw std::invalid_argument("no API URL: give a region or an API URL");
  while (checked.api_url.size() > 1 && checked.api_url.back() == '/') checked.api_url.pop_back();
  if (checked.login_url.empty()) checked.login_url = checked.api_url;
  while (checked.login_url.size() > 1 && checked.login_url.back() == '/') checked.login_url.pop_back();
  check_api_url(checked.api_url);
  check_api_url(checked.login_url);
  if (!checked.access_token.empty()) {
    if (!is_header_safe_token(checked.access_token))
      throw std::invalid_argument(
          "the access token (GENESYSCLOUD_ACCESS_TOKEN) is too long or holds control characters or spaces; refused");
  } else {
    if (checked.client_id.empty()) throw std::invalid_argument("no OAuth client id (GENESYSCLOUD_OAUTHCLIENT_ID)");
    if (checked.client_secret.empty())
      throw std::invalid_argument("no OAuth client secret (GENESYSCLOUD_OAUTHCLIENT_SECRET)");
  }
  if (!checked.proxy.url.empty()) checked.proxy.url = checked_proxy_url(checked.proxy.url);
  if (checked.token_pool < 1 || checked.token_pool > 50)
    throw std::invalid_argument("token pool size must be 1-50, got " + std::to_string(checked.token_pool));
  checked.parallelism = std::max(1, checked.parallelism);
  return std::make_unique<HttpFlowApi>(checked);
}

}  // namespace flowlink::genesys
