#pragma once
// Reading a saved plan (`flowlink plan --out FILE`) for apply and show.

#include <string>

#include "plan/plan.hpp"

namespace flowlink::plan {

// The plan in `path` (render_json's format, read by plan_from_json). Throws
// std::runtime_error naming the file: unreadable, not JSON, or malformed.
Plan read_plan_file(const std::string& path);

}  // namespace flowlink::plan
