#pragma once
// Internal to flowdoc: DocumentError messages name the source and JSON pointer.

#include <string>
#include <vector>

#include "flowdoc/document.hpp"

namespace flowlink::flowdoc::detail {

// "<source>: at <pointer>: <message>" (no pointer part for the whole document).
DocumentError error_at(const std::string& source, const std::string& pointer, const std::string& message);
// One line per problem: "  <where>: <message>".
std::string describe_problems(const std::vector<Problem>& problems);

}  // namespace flowlink::flowdoc::detail
