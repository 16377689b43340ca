#pragma once
// Internal to flowdoc: reading and writing expression values and the
// inputs/outputs binding lists of a module call.

#include <string>

#include "flowdoc/document.hpp"

namespace flowlink::flowdoc::detail {

enum class BindingDirection { Input, Output };

// The `text` of an expression value (a bare string is taken as its own text).
std::string expression_text(const Json& value);
// A new expression holding `text` (see expression.cpp for the assumed shape).
Json make_expression(const std::string& text, BindingDirection direction);

// Reads [{name, value:<expression>}] into name -> text.
Bindings read_bindings(const Json& list);
// Rewrites `list` (a binding array, or null) to hold exactly `wanted`. Binding
// objects whose expression text did not change are kept exactly as they were;
// changed ones get a new value; new ones are appended in name order.
void write_bindings(Json& list, const Bindings& wanted, BindingDirection direction);

}  // namespace flowlink::flowdoc::detail
