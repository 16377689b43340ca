// The planning view (see planning_view.hpp).
#include "flowdoc/planning_view.hpp"

#include <cstring>
#include <vector>

#include <simdjson.h>

#include "flowdoc/call_shape.hpp"
#include "flowdoc/graph.hpp"
#include "util/json_depth.hpp"

namespace flowlink::flowdoc::detail {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// The whole value, converted; simdjson has validated it and bounded its
// depth (util::kMaxJsonDepth), so the recursion is bounded too.
Json whole(element value) {
  switch (value.type()) {
    case element_type::OBJECT: {
      Json object = Json::object();
      for (auto field : simdjson::dom::object(value)) object[std::string(field.key)] = whole(field.value);
      return object;
    }
    case element_type::ARRAY: {
      Json array = Json::array();
      for (element item : simdjson::dom::array(value)) array.push_back(whole(item));
      return array;
    }
    case element_type::STRING:
      return Json(std::string(std::string_view(value)));
    case element_type::INT64: {
      // nlohmann reads an integer without a minus sign as unsigned.
      const std::int64_t number = std::int64_t(value);
      return number >= 0 ? Json(static_cast<std::uint64_t>(number)) : Json(number);
    }
    case element_type::UINT64:
      return Json(std::uint64_t(value));
    case element_type::DOUBLE:
      return Json(double(value));
    case element_type::BOOL:
      return Json(bool(value));
    case element_type::NULL_VALUE:
      return Json(nullptr);
  }
  return Json();
}

bool is_one_of(std::string_view key, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys)
    if (key == k) return true;
  return false;
}

// An array whose elements each get `element_view`.
Json array_view(element array, Json (*element_view)(element)) {
  Json view = Json::array();
  for (element item : simdjson::dom::array(array)) view.push_back(element_view(item));
  return view;
}

// An action: a module call whole (planning reads its bindings and compares
// them), any other action its identity and links.
Json action_view(element action) {
  if (action.type() != element_type::OBJECT) return whole(action);
  const simdjson::dom::object fields(action);
  // The last __type is the one nlohmann keeps.
  bool call = false;
  for (auto field : fields)
    if (field.key == "__type")
      call = field.value.type() == element_type::STRING && std::string_view(field.value) == call_shape::kType;
  if (call) return whole(action);
  Json view = Json::object();
  for (auto field : fields)
    if (is_one_of(field.key, {"id", "name", "__type", "trackingId", kNextAction, kPaths}))
      view[std::string(field.key)] = whole(field.value);
  return view;
}

// A sequence item (task, state, menu, ...).
Json sequence_view(element item) {
  if (item.type() != element_type::OBJECT) return whole(item);
  Json view = Json::object();
  for (auto field : simdjson::dom::object(item)) {
    if (field.key == kActionList && field.value.type() == element_type::ARRAY)
      view[kActionList] = array_view(field.value, action_view);
    else if (is_one_of(field.key, {"id", "name", "__type", "trackingId", kStartAction, kActionList}))
      view[std::string(field.key)] = whole(field.value);
  }
  return view;
}

Json document_view(element root) {
  if (root.type() != element_type::OBJECT) return whole(root);
  Json view = Json::object();
  for (auto field : simdjson::dom::object(root)) {
    const std::string key(field.key);
    if (key == kSequences && field.value.type() == element_type::ARRAY) {
      view[key] = array_view(field.value, sequence_view);
    } else if (key == call_shape::kManifest && field.value.type() == element_type::OBJECT) {
      // Only the list flowlink keeps in step with the calls; the key itself
      // stays (Document remembers whether the flow had a manifest).
      Json manifest = Json::object();
      for (auto entry : simdjson::dom::object(field.value))
        if (entry.key == call_shape::kManifestKind) manifest[call_shape::kManifestKind] = whole(entry.value);
      view[key] = std::move(manifest);
    } else if (is_one_of(key, {"name", "type", "initialSequence", "nextTrackingNumber", kSequences,
                               call_shape::kManifest})) {
      view[key] = whole(field.value);
    }
  }
  return view;
}

std::optional<Json> view_with(simdjson::dom::parser& parser, std::vector<char>& padded, std::string_view text) {
  if (padded.size() < text.size() + simdjson::SIMDJSON_PADDING) padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(padded.data(), text.data(), text.size());
  element root;
  if (parser.parse(padded.data(), text.size(), false).get(root) != simdjson::SUCCESS) return std::nullopt;
  return document_view(root);
}

}  // namespace

std::optional<Json> planning_view(std::string_view text) {
  if (text.size() > kMaxPlanningViewText) return std::nullopt;
  // A parser and a padded buffer per thread keep their capacity, so a plan
  // of thousands of flows allocates them once per thread; a text above
  // kMaxRetainedText gets its own, freed on return, so that one huge answer
  // does not stay in every thread's memory.
  if (text.size() > kMaxRetainedText) {
    simdjson::dom::parser parser;
    std::vector<char> padded;
    if (parser.allocate(text.size(), util::kMaxJsonDepth) != simdjson::SUCCESS) return std::nullopt;
    return view_with(parser, padded, text);
  }
  thread_local simdjson::dom::parser parser;
  thread_local std::vector<char> padded;
  thread_local bool bounded = false;
  if (!bounded) {
    // The nesting bound is parse()'s: simdjson refuses depth 513 as
    // util::json_text_depth does (planning_view_test checks both sides).
    if (parser.allocate(64 * 1024, util::kMaxJsonDepth) != simdjson::SUCCESS) return std::nullopt;
    bounded = true;
  }
  return view_with(parser, padded, text);
}

}  // namespace flowlink::flowdoc::detail
