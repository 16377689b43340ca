#pragma once
// The words the text and Markdown renderers both use for a flow's lifecycle
// (published version, draft, lock) and for what apply does with it. Each
// renderer passes its own escaping for text from the org (names, dates, run
// ids) and adds its own symbols, colours or emphasis. Only src/plan/render_*.cpp
// include this.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plan/plan.hpp"

namespace flowlink::plan::render_detail {

using Escape = std::string (*)(std::string_view);

// "complies" / "does not comply (1 edit, 2 findings)".
std::string judgement(const VersionJudgement& version);

// Who made a draft, as a possessive's stem: "Alice", "client ci-bot", or
// "someone" when unknown. Escaped.
std::string owner_name(const std::optional<Actor>& owner, Escape escape);

// The lifecycle block, one line each (without indentation or symbol):
//   "published v3.0 (2026-11-02T10:00:00.000Z): does not comply (1 edit)"
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
  };
  Kind kind;
  const char* symbol;  // ">", "^", "~", "#"
  std::string lead;    // "resume:", "publish", "also publishes", "edits", "held:"
  std::string rest;    // the remainder, escaped
};
std::vector<ActionLine> action_lines(const FlowPlan& flow, Escape escape);

// For a held flow with edits: what the edits are, since they are not applied:
// "what the published version needs (not applied)".
std::string not_applied_line(const FlowPlan& flow);

// Is the flow shown although its status is NoChange? (A reviewer wants to see
// a colleague's draft or lock even over a compliant published version.)
bool shown(const FlowPlan& flow);

}  // namespace flowlink::plan::render_detail
