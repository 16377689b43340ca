// Expression values as they appear in bindings:
//   {"config": {...}, "text": "Call.Ani", "type": "str", "uiMetaData": {"mode": 0},
//    "metaData": {}, "version": 2}
// flowlink compares expressions by `text` only.
#include "flowdoc/expression.hpp"

#include "flowdoc/call_shape.hpp"
#include "flowdoc/graph.hpp"

namespace flowlink::flowdoc::detail {

namespace {
// The expression flowlink writes (assumed, see flow-configuration.md): the text
// form, a minimal empty `config` that Architect re-derives from the text, type
// "str". uiMetaData.mode follows the fixture: 0 (expression) for inputs, 2
// (variable) for outputs, which must name a variable.
constexpr const char* kDefaultType = "str";
constexpr int kExpressionVersion = 2;
constexpr int kInputMode = 0;
constexpr int kOutputMode = 2;
}  // namespace

std::string expression_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return string_field(value, "text");
}

Json make_expression(const std::string& text, BindingDirection direction) {
  Json expression = Json::object();
  expression["config"] = Json::object();
  expression["text"] = text;
  expression["type"] = kDefaultType;
  expression["uiMetaData"] = Json{{"mode", direction == BindingDirection::Input ? kInputMode : kOutputMode}};
  expression["metaData"] = Json::object();
  expression["version"] = kExpressionVersion;
  return expression;
}

Bindings read_bindings(const Json& list) {
  Bindings bindings;
  if (!list.is_array()) return bindings;
  for (const Json& binding : list) {
    std::string name = string_field(binding, call_shape::kBindingName);
    if (name.empty()) continue;
    auto value = binding.find(call_shape::kBindingValue);
    bindings[name] = value == binding.end() ? std::string{} : expression_text(*value);
  }
  return bindings;
}

namespace {
Json make_binding(const std::string& name, const std::string& text, BindingDirection direction) {
  Json binding = Json::object();
  binding[call_shape::kBindingName] = name;
  binding[call_shape::kBindingValue] = make_expression(text, direction);
  return binding;
}
}  // namespace

void write_bindings(Json& list, const Bindings& wanted, BindingDirection direction) {
  Json result = Json::array();
  Bindings remaining = wanted;
  if (list.is_array()) {
    for (Json& binding : list) {
      std::string name = string_field(binding, call_shape::kBindingName);
      auto it = remaining.find(name);
      if (it == remaining.end()) continue;  // no longer wanted (or a duplicate)
      auto value = binding.find(call_shape::kBindingValue);
      bool same = value != binding.end() && expression_text(*value) == it->second;
      if (!same) binding[call_shape::kBindingValue] = make_expression(it->second, direction);
      result.push_back(std::move(binding));
      remaining.erase(it);
    }
  }
  for (const auto& [name, text] : remaining) result.push_back(make_binding(name, text, direction));
  list = std::move(result);
}

}  // namespace flowlink::flowdoc::detail
