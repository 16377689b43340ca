// The request pipeline shared by every endpoint: routing, fault injection,
// authentication, rate limiting, error answers and the Genesys headers.
#include <algorithm>

#include <fmt/format.h>

#include "emulator/errors.hpp"
#include "emulator/model.hpp"
#include "emulator/service.hpp"
#include "util/encoding.hpp"
#include "util/json_depth.hpp"

namespace flowlink::emulator {

// ---- small HTTP types ---------------------------------------------------

namespace {
std::string decode_component(std::string_view text) {
  try {
    return util::url_decode(text);
  } catch (const std::invalid_argument&) {
    return std::string(text);
  }
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}
}  // namespace

Query::Query(std::string_view raw) {
  std::size_t start = 0;
  while (start < raw.size()) {
    auto end = raw.find('&', start);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view item = raw.substr(start, end - start);
    if (!item.empty()) {
      auto eq = item.find('=');
      if (eq == std::string_view::npos) {
        items_.emplace_back(decode_component(item), "");
      } else {
        items_.emplace_back(decode_component(item.substr(0, eq)), decode_component(item.substr(eq + 1)));
      }
    }
    start = end + 1;
  }
}

std::optional<std::string> Query::get(std::string_view key) const {
  for (const auto& [k, v] : items_)
    if (k == key) return v;
  return std::nullopt;
}

std::string Query::get_or(std::string_view key, std::string fallback) const {
  auto value = get(key);
  return value ? *value : std::move(fallback);
}

std::vector<std::string> Query::values(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : items_) {
    if (k != key) continue;
    std::size_t start = 0;
    while (start <= v.size()) {
      auto end = v.find(',', start);
      if (end == std::string::npos) end = v.size();
      if (end > start) out.push_back(v.substr(start, end - start));
      start = end + 1;
    }
  }
  return out;
}

std::string Request::header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

Response Response::json(int status, const Json& value) {
  Response r;
  r.status = status;
  // Strings quoting a request (a path, a query value, a header) may hold
  // bytes that are not UTF-8; they are sent as U+FFFD instead of making
  // dump() throw and the answer a 500 (or, for the server's own refusals, no
  // answer at all).
  r.body = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response Response::shared(int status, std::shared_ptr<const std::string> body) {
  Response r;
  r.status = status;
  r.shared_body = std::move(body);
  return r;
}

// ---- Scheduler ------------------------------------------------------------

Scheduler::Scheduler() : thread_([this] { run(); }) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::after(std::chrono::milliseconds delay, std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    items_.push(Item{std::chrono::steady_clock::now() + delay, counter_++, std::move(task)});
  }
  wake_.notify_one();
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (items_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto when = items_.top().when;
    if (std::chrono::steady_clock::now() < when) {
      wake_.wait_until(lock, when);
      continue;
    }
    auto task = std::move(const_cast<Item&>(items_.top()).task);
    items_.pop();
    lock.unlock();
    try {
      task();
    } catch (...) {
      // A task failing (e.g. a disk error completing an operation) must not stop the timer.
    }
    lock.lock();
  }
}

// ---- Service ------------------------------------------------------------

Service::Service(EmulatorOptions options)
    : options_(std::move(options)),
      store_(options_.state_dir),
      access_(options_.clients, options_.token_ttl),
      fault_rng_(options_.fault_seed) {
  config_.rate_limit_per_minute = options_.rate_limit_per_minute;
  config_.rate_window_ms = options_.rate_window_ms;
  config_.latency_ms = options_.latency_ms;
  config_.fault_rate = options_.fault_rate;
  config_.fault_seed = options_.fault_seed;
  config_.operation_delay_ms = options_.operation_delay_ms;
  register_oauth_routes(*this);
  register_organization_routes(*this);
  register_flow_routes(*this);
  register_version_routes(*this);
  register_action_routes(*this);
  register_dependency_routes(*this);
  register_control_routes(*this);
}

Service::~Service() { scheduler_.stop(); }

void Service::add_route(std::string method, std::string pattern, RouteKind kind, Handler handler) {
  Route route;
  route.method = std::move(method);
  route.segments = split_path(pattern);
  route.pattern = route.method + " " + pattern;
  route.kind = kind;
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

RuntimeConfig Service::config() const {
  std::lock_guard lock(config_mutex_);
  return config_;
}

void Service::set_config(const RuntimeConfig& config, bool restart_fault_sequence) {
  std::lock_guard lock(config_mutex_);
  if (restart_fault_sequence || config.fault_seed != config_.fault_seed) fault_rng_.seed(config.fault_seed);
  config_ = config;
}

const Route* Service::match(Request& request, bool* path_known) const {
  const auto segments = split_path(request.path);
  *path_known = false;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      const auto& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        params.push_back(segments[i]);
      } else {
        ok = want == segments[i];
      }
    }
    if (!ok) continue;
    *path_known = true;
    if (route.method != request.method) continue;
    request.params = std::move(params);
    return &route;
  }
  return nullptr;
}

bool Service::has_route(const std::string& route_pattern) const {
  for (const auto& route : routes_)
    if (route.pattern == route_pattern && route.kind == RouteKind::Api) return true;
  return false;
}

bool Service::take_drop_after(const std::string& route_pattern) {
  std::lock_guard lock(config_mutex_);
  auto it = config_.drop_after.find(route_pattern);
  if (it == config_.drop_after.end() || it->second <= 0) return false;
  if (--it->second == 0) config_.drop_after.erase(it);
  return true;
}

bool Service::draw_fault(double rate, int* status, bool* drop) {
  std::lock_guard lock(config_mutex_);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  if (rate <= 0.0 || uniform(fault_rng_) >= rate) return false;
  // A fifth of the faults drop the connection, the rest answer 500/502/503/504.
  static constexpr int kStatuses[] = {500, 502, 503, 504};
  const auto pick = fault_rng_() % 5;
  *drop = pick == 4;
  *status = *drop ? 503 : kStatuses[pick];
  return true;
}

Json Service::request_stats() const {
  std::lock_guard lock(stats_mutex_);
  Json by = Json::object();
  for (const auto& [endpoint, count] : by_endpoint_) by[endpoint] = count;
  Json statuses = Json::object();
  for (const auto& [status, count] : by_status_) statuses[std::to_string(status)] = count;
  return Json{{"total", total_requests_}, {"by_endpoint", by}, {"by_status", statuses}};
}

void Service::reset_request_stats() {
  std::lock_guard lock(stats_mutex_);
  total_requests_ = 0;
  by_endpoint_.clear();
  by_status_.clear();
}

Response Service::handle(Request& request, int* latency_ms) {
  *latency_ms = 0;
  request.correlation_id = new_uuid();
  std::vector<std::pair<std::string, std::string>> extra_headers;
  Response response;
  bool path_known = false;
  const Route* route = match(request, &path_known);
  const bool control = request.path.rfind("/_emulator", 0) == 0;
  if (!control) {
    std::lock_guard lock(stats_mutex_);
    ++total_requests_;
    ++by_endpoint_[route ? route->pattern : request.method + " " + request.path];
  }
  try {
    if (!route) {
      if (path_known) throw errors::method_not_allowed(request.method, request.path);
      throw errors::route_not_found(request.method, request.path);
    }
    const RuntimeConfig config = route->kind == RouteKind::Control ? RuntimeConfig{} : this->config();
    if (route->kind != RouteKind::Control) *latency_ms = config.latency_ms;
    if (route->kind == RouteKind::Api) {
      int fault_status = 0;
      bool drop = false;
      if (draw_fault(config.fault_rate, &fault_status, &drop)) {
        if (drop) {
          Response dropped;
          dropped.status = 503;
          dropped.drop_connection = true;
          dropped.headers.emplace_back("ININ-Correlation-Id", request.correlation_id);
          return dropped;
        }
        throw errors::injected_fault(fault_status);
      }
      const std::string authorization = request.header("authorization");
      request.caller = access_.verify_bearer(authorization);
      const RateDecision rate = access_.count_request(authorization, config.rate_limit_per_minute,
                                                           std::chrono::milliseconds(config.rate_window_ms));
      if (rate.limit > 0) {
        extra_headers.emplace_back("inin-ratelimit-count", std::to_string(rate.count));
        extra_headers.emplace_back("inin-ratelimit-allowed", std::to_string(rate.limit));
        extra_headers.emplace_back("inin-ratelimit-reset", std::to_string(rate.reset_seconds));
      }
      if (!rate.allowed) throw errors::too_many_requests(rate.limit, rate.reset_seconds);
    }
    // Every body a handler may parse is bounded first: JSON nested 100,000
    // deep is a 400 ErrorBody, never walked (dumped, copied, compared) into a
    // stack overflow. How deep Genesys itself accepts is not known: the bound
    // is flowlink's own (util/json_depth.hpp), far above any real document.
    if (!request.body.empty() && util::json_text_depth(request.body, util::kMaxJsonDepth) > util::kMaxJsonDepth)
      throw errors::bad_request("body", fmt::format("the body nests arrays and objects deeper than {} levels; refused",
                                                    util::kMaxJsonDepth));
    response = route->handler(*this, request);
    if (route->kind == RouteKind::Api && config.drop_after.count(route->pattern) && take_drop_after(route->pattern)) {
      // Carried out, then the answer is lost.
      Response dropped;
      dropped.status = response.status;
      dropped.drop_connection = true;
      dropped.headers.emplace_back("ININ-Correlation-Id", request.correlation_id);
      return dropped;
    }
  } catch (const ApiFailure& failure) {
    response = Response::json(failure.status, errors::error_body(failure.status, failure.code, failure.what(),
                                                                 request.correlation_id, failure.details,
                                                                 failure.entity_id, failure.entity_name));
    for (const auto& header : failure.extra_headers) response.headers.push_back(header);
  } catch (...) {
    // Any other exception, of any type: a 500 ErrorBody, logged without the
    // request's credentials, and the connection goes on.
    const std::string what = errors::describe_exception(std::current_exception());
    errors::log_line(errors::internal_error_log_line(request, request.correlation_id, what));
    const ApiFailure failure = errors::internal_error(what);
    response = Response::json(failure.status, errors::error_body(failure.status, failure.code, failure.what(),
                                                                 request.correlation_id));
  }
  response.headers.emplace_back("ININ-Correlation-Id", request.correlation_id);
  for (auto& header : extra_headers) response.headers.push_back(std::move(header));
  if (!control) {
    std::lock_guard lock(stats_mutex_);
    ++by_status_[response.status];
  }
  return response;
}

}  // namespace flowlink::emulator
