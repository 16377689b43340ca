#pragma once
// The words the text and Markdown renderers both use for a flow's lifecycle
// (published version, draft, lock) and for what apply does with it. Each
// renderer passes its own escaping for text from the org (names, dates, run
// ids) and adds its own symbols, colours or emphasis. Only src/plan/render_*.cpp
// include this.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/plan.hpp"

namespace flowlink::plan::render_detail {

using Escape = std::string (*)(std::string_view);

// "complies" / "does not comply (1 edit, 2 findings)"; with stale modules (the
// published version's): "does not comply (1 stale module)".
std::string judgement(const VersionJudgement& version, std::size_t stale = 0);

// Who made a draft, as a possessive's stem: "Alice", "client ci-bot", or
// "someone" when unknown. Escaped.
std::string owner_name(const std::optional<Actor>& owner, Escape escape);

// The lifecycle block, one line each (without indentation or symbol):
//   "published v3.0 (2026-11-02T10:00:00.000Z): does not comply (1 edit)"
//   "published v3.0 (2026-11-01T10:00:00.000Z): does not comply (1 stale module)"
//   "published: none"                        (a draft of a flow never published)
//   "draft v4.0 checked in by Alice (user) since 2026-11-20T09:12:00.000Z: complies"
//   "locked by Bob (user)" / "locked by flowlink (an interrupted run R)"
// A line one of the flow's notes says (or begins with) word for word is left
// out: the note shows it, e.g. "locked by Bob (user): apply skips the flow...". Empty for a flow without a lifecycle (an export directory).
std::vector<std::string> lifecycle_lines(const FlowPlan& flow, Escape escape);

// What apply does beyond (or instead of) the edits, when that needs saying.
struct ActionLine {
  enum class Kind {
    Resume,         // > resume: finish flowlink's own change (check in, publish)
    PublishDraft,   // ^ publish Alice's draft v4.0 as it is
    AlsoPublishes,  // ^ also publishes Alice's unpublished changes from DATE, version 4.0
    EditDraft,      // ~ edits Alice's draft v4.0 and checks it in; not published: ...
    Held,           // # held: <skip_reason>
    Republish,      // ^ publish v3.0 again as it is (no edit), so that it runs the latest version of 1 module
  };
  Kind kind;
  const char* symbol;  // ">", "^", "~", "#"
  std::string lead;    // "resume:", "publish", "also publishes", "edits", "held:"
  std::string rest;    // the remainder, escaped
};
std::vector<ActionLine> action_lines(const FlowPlan& flow, Escape escape);

// A module the published version runs an old snapshot of, after the
// "^ republish:" lead, escaped:
//   "calls Common_Validation_Module from before its publish of 2026-11-20T09:00:00.000Z (module v3.0); published 2026-11-01T10:00:00.000Z"
//   "... (snapshot v2.0 -> v3.0); ..."  when dependency tracking said which version it took
// and its note, like an edit's: "rule 'support-validation': current" (with
// "; decided by consumedresources" when a field other than datePublished answered).
inline constexpr const char* kStaleSymbol = "^";
inline constexpr const char* kStaleLead = "republish:";
std::string stale_line(const StaleModule& stale, Escape escape);
std::string stale_note(const StaleModule& stale, Escape escape);

// For a flow apply does not act on (held, a lock in the way, drift) with
// edits or stale modules: what they are, since they are not applied:
// "not applied; what the published version needs:". The stale modules are
// always the published version's; the edits, the basis version's (pass
// flow.basis for them).
std::string not_applied_line(Basis basis);

// Is the flow shown although its status is NoChange? (A reviewer wants to see
// a colleague's draft or lock even over a compliant published version.)
bool shown(const FlowPlan& flow);

// "1 flow" / "3 flows".
std::string flow_count(int flows);

}  // namespace flowlink::plan::render_detail
