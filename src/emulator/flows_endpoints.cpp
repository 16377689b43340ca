// /api/v2/flows and /api/v2/flows/{id}: list, create, get, update, delete.
//
// Name filter (unconfirmed against Genesys, decided here): case-insensitive;
// with '*' it is a wildcard pattern over the whole name ("Support*"), without
// one a substring match ("line" finds "Support Line"). The same rule applies
// to description and nameOrDescription.
#include <algorithm>

#include <fmt/format.h>

#include "emulator/endpoint_support.hpp"
#include "emulator/listing_cache.hpp"
#include "emulator/paging.hpp"
#include "util/ascii.hpp"

namespace flowlink::emulator {

namespace {

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Iterative glob with '*' only; both sides already lowercase.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool text_matches(const std::string& filter_lower, const std::string& text) {
  const std::string lower = util::ascii_lower(text);
  if (filter_lower.find('*') != std::string::npos) return wildcard_match(filter_lower, lower);
  return lower.find(filter_lower) != std::string::npos;
}

struct FlowFilter {
  std::vector<std::string> ids;
  std::vector<std::string> types;  // uppercase
  std::optional<std::string> name, description, name_or_description;  // lowercase
  std::vector<std::string> divisions;
  std::optional<std::string> locked_by, locked_by_client;
  bool include_deleted = false;

  explicit FlowFilter(const Query& q) {
    ids = q.values("id");
    for (auto& t : q.values("type")) types.push_back(util::ascii_upper(t));
    if (auto v = q.get("name"); v && !v->empty()) name = util::ascii_lower(*v);
    if (auto v = q.get("description"); v && !v->empty()) description = util::ascii_lower(*v);
    if (auto v = q.get("nameOrDescription"); v && !v->empty()) name_or_description = util::ascii_lower(*v);
    divisions = q.values("divisionId");
    if (auto v = q.get("lockedBy"); v && !v->empty()) locked_by = *v;
    if (auto v = q.get("lockedByClientId"); v && !v->empty()) locked_by_client = *v;
    include_deleted = util::ascii_lower(q.get_or("deleted", "false")) == "true";
  }

  bool accepts(const FlowState& f) const {
    // Genesys: when ids are given, every other filter is ignored.
    if (!ids.empty()) return std::find(ids.begin(), ids.end(), f.id) != ids.end();
    if (f.deleted && !include_deleted) return false;
    if (!types.empty() && std::find(types.begin(), types.end(), f.type) == types.end()) return false;
    if (name && !text_matches(*name, f.name)) return false;
    if (description && !text_matches(*description, f.description)) return false;
    if (name_or_description && !text_matches(*name_or_description, f.name) &&
        !text_matches(*name_or_description, f.description))
      return false;
    if (!divisions.empty() && std::find(divisions.begin(), divisions.end(), kHomeDivisionId) == divisions.end())
      return false;
    if (locked_by && !(f.lock && f.lock->kind == Actor::Kind::User && f.lock->id == *locked_by)) return false;
    if (locked_by_client && !(f.lock && f.lock->kind == Actor::Kind::Client && f.lock->id == *locked_by_client))
      return false;
    return true;
  }
};

constexpr std::string_view kListPath = "/api/v2/flows";

// The flows matching the query's filters, in the order it asks for, at the
// store generation *generation (in: the one the caller saw; out: the one the
// answer was computed at).
std::shared_ptr<const OrderedListing> ordered_matches(Service& service, const Query& q, const std::string& sort_by,
                                                      bool descending, std::uint64_t* generation) {
  auto& cache = service.listing_cache().orderings();
  const std::string key = ordering_key(kListPath, q);
  if (auto hit = cache.find(key, *generation)) return hit;

  const FlowFilter filter(q);
  std::vector<std::shared_ptr<const FlowState>> hits;
  for (auto& flow : service.store().all(generation))
    if (filter.accepts(*flow)) hits.push_back(std::move(flow));

  if (sort_by != "id") {  // the store already yields id order
    auto key_of = [&](const FlowState& f) -> std::string {
      if (sort_by == "name") return util::ascii_lower(f.name);
      if (sort_by == "type") return f.type;
      if (sort_by == "description") return util::ascii_lower(f.description);
      return fmt::format("{:020}", f.date_modified);
    };
    // Keys computed once per flow, not once per comparison; stable on the id order.
    std::vector<std::pair<std::string, std::size_t>> keyed;
    keyed.reserve(hits.size());
    for (std::size_t i = 0; i < hits.size(); ++i) keyed.emplace_back(key_of(*hits[i]), i);
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::shared_ptr<const FlowState>> sorted;
    sorted.reserve(hits.size());
    for (const auto& [k, i] : keyed) sorted.push_back(std::move(hits[i]));
    hits = std::move(sorted);
  }
  if (descending) std::reverse(hits.begin(), hits.end());

  auto ordered = std::make_shared<OrderedListing>();
  ordered->wires.reserve(hits.size());
  for (const auto& flow : hits) ordered->wires.push_back(flow->wire);
  cache.put(key, *generation, ordered, ordered->wires.size() * sizeof(ordered->wires[0]));
  return ordered;
}

Response list_flows(Service& service, Request& request) {
  const auto& q = request.query;
  const PageRequest page = page_request(q);
  const std::string sort_by = q.get_or("sortBy", "id");
  const std::string sort_order = util::ascii_lower(q.get_or("sortOrder", "asc"));
  static const std::vector<std::string> kSortable = {"id", "name", "type", "description", "dateModified"};
  if (std::find(kSortable.begin(), kSortable.end(), sort_by) == kSortable.end())
    throw errors::bad_request("sortBy", fmt::format("cannot sort by '{}' (id, name, type, description)", sort_by));
  if (sort_order != "asc" && sort_order != "desc" && sort_order != "ascending" && sort_order != "descending")
    throw errors::bad_request("sortOrder", fmt::format("'{}' is neither asc nor desc", sort_order));
  const bool descending = sort_order[0] == 'd';

  // The whole answer is a function of the query and the org: served from the
  // cache while no write has moved the store generation.
  auto& pages = service.listing_cache().pages();
  std::uint64_t generation = service.store().generation();
  const std::string key = page_key(kListPath, q, page.size, page.number);
  if (auto body = pages.find(key, generation)) return Response::shared(200, std::move(body));

  const auto ordered = ordered_matches(service, q, sort_by, descending, &generation);
  const auto& wires = ordered->wires;
  std::vector<std::string_view> entities;
  for (std::size_t i = page.first(); i < wires.size() && entities.size() < static_cast<std::size_t>(page.size); ++i)
    entities.push_back(*wires[i]);
  auto body = std::make_shared<const std::string>(listing_json(kListPath, q, page, wires.size(), entities));
  pages.put(key, generation, body, body->size());
  return Response::shared(200, std::move(body));
}

Response get_flow(Service& service, Request& request) {
  const bool deleted = util::ascii_lower(request.query.get_or("deleted", "false")) == "true";
  auto flow = require_flow(service, request.params[0], deleted);
  return Response::shared(200, flow->wire);
}

Json parse_body_object(const Request& request) {
  Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) throw errors::bad_request("body", "expected a JSON object (a Flow)");
  return body;
}

std::string string_field(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return {};
  if (!it->is_string()) throw errors::bad_request(key, "must be a string");
  return it->get<std::string>();
}

void require_unique_name(Service& service, const std::string& type, const std::string& name,
                         const std::string& except_id) {
  for (const auto& other : service.store().all()) {
    if (other->deleted || other->id == except_id || other->type != type) continue;
    if (util::ascii_lower(other->name) == util::ascii_lower(name))
      throw errors::bad_request("name", fmt::format("a {} flow named '{}' already exists ({})", type, name, other->id));
  }
}

Response create_flow(Service& service, Request& request) {
  const Json body = parse_body_object(request);
  FlowState flow;
  flow.id = new_uuid();
  flow.name = string_field(body, "name");
  flow.description = string_field(body, "description");
  flow.type = util::ascii_upper(string_field(body, "type"));
  if (flow.name.empty()) throw errors::bad_request("name", "a flow needs a name");
  if (flow.type.empty()) throw errors::bad_request("type", "a flow needs a type");
  if (!is_known_flow_type(flow.type)) throw errors::bad_request("type", fmt::format("unknown flow type '{}'", flow.type));
  require_unique_name(service, flow.type, flow.name, "");
  // Architect hands a new flow to its creator checked out, ready for a first save.
  flow.lock = *request.caller;
  return Response::shared(200, service.store().insert(std::move(flow))->wire);
}

Response update_flow(Service& service, Request& request) {
  const Json body = parse_body_object(request);
  auto current = require_flow(service, request.params[0]);
  const std::string name = string_field(body, "name");
  if (!name.empty() && name != current->name) require_unique_name(service, current->type, name, current->id);
  auto updated = service.store().update(request.params[0], [&](FlowState& flow) {
    if (flow.deleted) throw errors::flow_not_found(flow.id);
    if (flow.lock && !holds_lock(flow, *request.caller)) throw errors::locked_by_another(flow.id, flow.name, *flow.lock);
    if (!name.empty()) flow.name = name;
    if (body.contains("description")) flow.description = string_field(body, "description");
  });
  return Response::shared(200, updated->wire);
}

Response delete_flow(Service& service, Request& request) {
  require_flow(service, request.params[0]);
  service.store().update(request.params[0], [&](FlowState& flow) {
    if (flow.deleted) throw errors::flow_not_found(flow.id);
    if (flow.lock && !holds_lock(flow, *request.caller)) throw errors::locked_by_another(flow.id, flow.name, *flow.lock);
    require_no_running_operation(flow);
    flow.deleted = true;
    flow.active = false;
    flow.lock.reset();
  });
  return Response::text(200, "");
}

Response latest_configuration(Service& service, Request& request) {
  const bool deleted = util::ascii_lower(request.query.get_or("deleted", "false")) == "true";
  auto flow = require_flow(service, request.params[0], deleted);
  if (!flow->latest_config)
    throw errors::no_configuration(flow->id, flow->name);
  return Response::shared(200, flow->latest_config);
}

}  // namespace

void register_flow_routes(Service& service) {
  service.add_route("GET", "/api/v2/flows", RouteKind::Api, list_flows);
  service.add_route("POST", "/api/v2/flows", RouteKind::Api, create_flow);
  service.add_route("GET", "/api/v2/flows/{id}", RouteKind::Api, get_flow);
  service.add_route("PUT", "/api/v2/flows/{id}", RouteKind::Api, update_flow);
  service.add_route("DELETE", "/api/v2/flows/{id}", RouteKind::Api, delete_flow);
  service.add_route("GET", "/api/v2/flows/{id}/latestconfiguration", RouteKind::Api, latest_configuration);
}

}  // namespace flowlink::emulator
