#pragma once
// Internal to flowdoc: the planning view of a flow configuration document,
// built without nlohmann's DOM of the whole text.
//
// Most flows a plan reads need no edit, and planning one reads only its
// action graph: the sequences' ids, names and startActions, each action's id,
// name, __type, trackingId, nextAction and paths, the module calls whole, the
// top-level name, type, initialSequence and nextTrackingNumber, and
// manifest.commonModuleFlow. That is a few percent of a 100 KB flow (the rest
// is expressions, prompts, settings and uiMetaData). simdjson validates the
// whole text at a few GB/s and this keeps only those keys, in document order,
// at the same array positions, so that every reader (module_calls, positions,
// check()'s problems and their JSON pointers) sees what it sees in the whole
// document.
//
// The view must never say less or other than the whole parse would. So it
// gives up (nullopt) on anything simdjson does not accept exactly as nlohmann
// does, and Document::parse_for_planning then parses the whole text:
// invalid JSON of any kind (nlohmann's message names the error), nesting
// deeper than util::kMaxJsonDepth (same bound, same count), a BOM, integers
// beyond 64 bits, lone surrogates. Where both accept, the values agree:
// numbers are classified as nlohmann classifies them (a non-negative integer
// unsigned, a negative one signed, anything with a fraction or exponent a
// double; "-0" is the integer 0 in both) and a key given twice keeps its last
// value at its first position, as nlohmann's ordered_json parse does.

#include <optional>
#include <string_view>

#include "flowdoc/document.hpp"

namespace flowlink::flowdoc::detail {

// Texts above this size are parsed whole (parse's own bounds then apply).
inline constexpr std::size_t kMaxPlanningViewText = 32u << 20;
// Texts up to this size reuse a per-thread parser and buffer; larger ones
// get their own, freed once the view is built.
inline constexpr std::size_t kMaxRetainedText = 2u << 20;

std::optional<Json> planning_view(std::string_view text);

}  // namespace flowlink::flowdoc::detail
