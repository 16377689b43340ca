#pragma once
// Reading a saved plan file (written by `flowlink plan --out`, render_json):
// the file, bounded in size and in how deeply its JSON nests, then
// plan_from_json. Every error names the file.

#include <cstddef>
#include <filesystem>

#include "plan/plan.hpp"

namespace flowlink::plan {

// A plan of 10,000 flows with a dozen edits each is tens of MB; past this
// the file is not a plan flowlink wrote.
inline constexpr std::size_t kMaxPlanFileBytes = std::size_t{256} << 20;

// Throws std::runtime_error naming `path`: unreadable, larger than
// kMaxPlanFileBytes, not JSON, nested deeper than util::kMaxJsonDepth, or not
// a plan (plan_from_json's error).
Plan read_plan_file(const std::filesystem::path& path);

}  // namespace flowlink::plan
