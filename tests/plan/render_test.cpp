// The text and Markdown renderers: the key lines, colour only when asked,
// names from the org escaped in Markdown.
#include "plan/render.hpp"
#include "render_support.hpp"

using namespace plantest;
using flowlink::plan::Plan;
using flowlink::plan::render_markdown;
using flowlink::plan::render_text;
using flowlink::plan::TextStyle;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the sample plan has what the renderer tests expect") {
  Plan plan = sample_plan();
  auto s = plan.summary();
  CHECK(s.add == 2);
  CHECK(s.update == 1);
  CHECK(s.remove == 1);
  CHECK(s.move == 1);
  CHECK(s.to_change == 2);
  CHECK(s.unchanged == 1);
  CHECK(s.errors == 1);
  CHECK(plan.errors.size() == 1);
}

TEST_CASE("render_text: terraform-like lines and a closing summary, no colour by default") {
  Plan plan = sample_plan();
  std::string text = render_text(plan, TextStyle{});
  INFO(text);
  CHECK(has(text, "flowlink plan of test\n"));
  CHECK(has(text, "manifest: manifests/flowlink.yaml\n"));
  CHECK(has(text, "x error: module 'ghost' (Ghost_Module): no common module named 'Ghost_Module'"));
  CHECK(has(text, "~ flow Inbound_Support_Main (inboundcall) v3.0  [30000000-0000-4000-8000-000000000001], publish\n"));
  CHECK(has(text, "  + add call Common_Logging_Module first in task 'Billing'  [rule 'support': missing]\n"));
  CHECK(has(text, "        name = \"Call Common_Logging_Module\"\n"));
  CHECK(has(text, "  ~ update call 'Call Common_Validation_Module' (Common_Validation_Module) after 'Transfer' (#2)  [rule "
                  "'support': inputs differ]\n"));
  CHECK(has(text, "        inputs.Common.CallerAni: \"x\" -> \"Call.Ani\"\n"));
  CHECK(has(text, "  - remove call 'Call Old_Module' (Old_Module) first in task 'Main'  [listed under remove in rule "
                  "'support']\n"));
  CHECK(has(text, "  > move call 'Call Common_Validation_Module' (Common_Validation_Module) to first in task 'Main'  [rule "
                  "'support': misplaced: it is after 'Transfer' (#2) (move: true)]\n"));
  CHECK(has(text, "  ! duplicate call 'Call Common_Validation_Module' (#51)"));
  CHECK_FALSE(has(text, "x flow Unreadable (inboundcall) v"));  // no version known
  CHECK(has(text, "x flow Unreadable (inboundcall)  [id-unreadable]\n"));
  CHECK(has(text, "  x error: the flow document could not be read: not base64\n"));
  CHECK_FALSE(has(text, "flow Quiet"));  // unchanged flows are only counted
  CHECK(has(text, "Plan: 2 to add, 1 to update, 1 to remove, 1 to move; 2 flows to change, 1 unchanged, 1 with "
                  "errors.\n"));
  CHECK(has(text, "1 plan-wide error.\n"));
  CHECK_FALSE(has(text, "\x1b"));
}

TEST_CASE("render_text: colours when asked") {
  std::string text = render_text(sample_plan(), TextStyle{true});
  CHECK(has(text, "\x1b[32m+ add call"));
  CHECK(has(text, "\x1b[33m~ update call"));
  CHECK(has(text, "\x1b[31m- remove call"));
  CHECK(has(text, "\x1b[31mx error:"));
  CHECK(has(text, "\x1b[0m"));
}

TEST_CASE("render_text: an empty plan says so") {
  Plan plan;
  std::string text = render_text(plan, TextStyle{});
  CHECK(has(text, "No flow matches the manifest's rules."));
  CHECK(has(text, "Plan: 0 to add, 0 to update, 0 to remove, 0 to move; 0 flows to change, 0 unchanged, 0 with errors."));
}

TEST_CASE("render_markdown: summary table, details per changed or failed flow, names escaped") {
  std::string md = render_markdown(sample_plan());
  INFO(md);
  CHECK(has(md, "| Flow | Type | Status | Add | Update | Remove | Move |\n|---|---|---|---:|---:|---:|---:|\n"));
  CHECK(has(md, "| Inbound_Support_Main | inboundcall | change | 1 | 1 | 1 | 1 |\n"));
  CHECK(has(md, "| Billing\\|&lt;Main&gt; | inboundcall | change | 1 | 0 | 0 | 0 |\n"));
  // Unchanged flows are counted, not listed: the table is what a reviewer must read.
  CHECK_FALSE(has(md, "| Quiet |"));
  CHECK(has(md, "1 other matched flow unchanged."));
  CHECK(has(md, "| Unreadable | inboundcall | **error** | 0 | 0 | 0 | 0 |\n"));
  CHECK_FALSE(has(md, "<Main>"));
  CHECK(has(md, "<details><summary>Inbound_Support_Main (inboundcall) v3.0 — change</summary>"));
  CHECK(has(md, "<details><summary>Billing\\|&lt;Main&gt; (inboundcall) v3.0 — change</summary>"));
  CHECK_FALSE(has(md, "<details><summary>Quiet"));
  CHECK(has(md, "- **+ add** call Common_Logging_Module first in task 'Billing' — rule 'support': missing\n"));
  CHECK(has(md, "  - inputs.Common.CallerAni: `x` → `Call.Ani`\n"));
  CHECK(has(md, "- **! duplicate** "));
  CHECK(has(md, "- **x error:** the flow document could not be read: not base64\n"));
  CHECK(has(md, "**Plan:** 2 to add, 1 to update, 1 to remove, 1 to move; 2 flows to change, 1 unchanged, 1 with errors"));
  CHECK(has(md, "**Errors:**\n\n- module 'ghost' (Ghost_Module)"));
  // Every <details> is closed.
  std::size_t open = 0, close = 0;
  for (std::size_t at = md.find("<details>"); at != std::string::npos; at = md.find("<details>", at + 1)) ++open;
  for (std::size_t at = md.find("</details>"); at != std::string::npos; at = md.find("</details>", at + 1)) ++close;
  CHECK(open == 3);
  CHECK(close == open);
}

TEST_CASE("render_text: control characters from the org are shown escaped, never sent to the terminal") {
  Plan plan = sample_plan();
  plan.flows[0].flow_name = "Evil\x1b[2J\nName";
  plan.flows[0].edits[0].inputs["Common.Message"] = "a\rb";
  std::string text = render_text(plan, TextStyle{});
  CHECK_FALSE(has(text, "\x1b"));
  CHECK_FALSE(has(text, "\r"));
  CHECK(has(text, "flow Evil\\x1b[2J\\x0aName (inboundcall)"));
  CHECK(has(text, "inputs.Common.Message = \"a\\x0db\""));
}

TEST_CASE("render_markdown: expressions with backticks stay in their code span") {
  Plan plan = sample_plan();
  plan.flows[0].edits[0].inputs["Common.Message"] = "`x`";
  CHECK(has(render_markdown(plan), "  - inputs.Common.Message = `` `x` ``\n"));
}

TEST_CASE("render_markdown: a plan with nothing to change says so instead of a table") {
  flowlink::plan::Plan plan;
  flowlink::plan::FlowPlan quiet;
  quiet.flow_id = "f-1";
  quiet.flow_name = "Quiet";
  quiet.flow_type = "inboundcall";
  plan.flows.push_back(quiet);
  const std::string md = flowlink::plan::render_markdown(plan);
  CHECK(md.find("All 1 matched flows already call their modules as the manifest says.") != std::string::npos);
  CHECK(md.find("| Flow |") == std::string::npos);
}

// --- the lifecycle -------------------------------------------------------------

namespace {

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the lifecycle plan has what the renderer tests expect") {
  Plan plan = lifecycle_plan();
  REQUIRE(plan.flows.size() == 11);
  using Status = flowlink::plan::FlowPlan::Status;
  const std::vector<Status> statuses = {Status::Change,   Status::Held,     Status::Change,   Status::Change,
                                        Status::Change,   Status::Change,   Status::NoChange, Status::NoChange,
                                        Status::Drift,    Status::NoChange, Status::NoChange};
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    CAPTURE(plan.flows[i].flow_name);
    CHECK(plan.flows[i].status() == statuses[i]);
  }
  auto s = plan.summary();
  CHECK(s.to_change == 5);
  CHECK(s.held == 1);
  CHECK(s.unchanged == 4);
  CHECK(s.drift_only == 1);
  CHECK(s.add == 2);  // the held flow's and the locked flow's edits are not planned
  CHECK(s.update == 1);
}

TEST_CASE("render_text: each flow's lifecycle, notes and action above its edits") {
  const std::string text = render_text(lifecycle_plan(), TextStyle{});
  INFO(text);
  CHECK(has(text, "flowlink plan of https://api.mypurecloud.ie (org Acme Contact Center)\n"));

  // Edit the published version: one line for it, then the edit.
  CHECK(has(text, "~ flow A_Edit_Published (inboundcall) v3.0  [id-a], publish\n"
                  "  published v3.0 (2026-11-02T10:00:00.000Z): does not comply (1 edit)\n"
                  "  + add call Common_Logging_Module first in task 'Billing'  [rule 'support': missing]\n"));

  // Held: the reason, then the edits marked as not applied.
  CHECK(has(text, "# flow B_Held (inboundcall) v3.0  [id-b], held\n"
                  "  published v3.0 (2026-11-02T10:00:00.000Z): does not comply (1 edit)\n"
                  "  draft v4.0 checked in by Alice (user) since 2026-11-20T09:12:00.000Z: does not comply (2 edits)\n"
                  "  ! checked in by Alice (user) at 2026-11-20T09:12:00.000Z, unpublished\n"
                  "  # held: Alice (user) has an unpublished check-in, version 4.0 from 2026-11-20T09:12:00.000Z "
                  "(unpublished: skip)\n"
                  "  # not applied; what the published version needs:\n"
                  "  + add call Common_Logging_Module first in task 'Billing'  [rule 'support': missing]\n"));

  // edit-draft: a client's saved draft, checked in, not published.
  CHECK(has(text, "~ flow C_Edit_Draft (inboundcall) v5.0  [id-c]\n"));  // no ", publish"
  CHECK(has(text, "  draft v5.0 saved by ci-bot (client) since 2026-11-20T09:12:00.000Z: does not comply (1 edit)\n"));
  CHECK(has(text, "  ~ edits ci-bot's draft v5.0 and checks it in; not published: goes live when they publish "
                  "(unpublished: edit-draft)\n  + add call"));

  // publish: someone's changes go live with ours, and the plan says so.
  CHECK(has(text, "  ^ also publishes Alice's unpublished changes from 2026-11-20T09:12:00.000Z, version 4.0 "
                  "(unpublished: publish)\n  ~ update call"));

  // A compliant draft published as it is; no date known for the published version.
  CHECK(has(text, "~ flow E_Publish_Draft (inboundcall) v7.0  [id-e], publish\n"
                  "  published v6.0: does not comply (1 edit)\n"
                  "  draft v7.0 checked in by Carol (user) since 2026-11-19T08:00:00.000Z: complies\n"
                  "  ! checked in by Carol (user) at 2026-11-19T08:00:00.000Z, unpublished\n"
                  "  ^ publish Carol's draft v7.0 as it is (unpublished: publish)\n\n"));

  // flowlink's own interrupted run, resumed; the lock line a note repeats is shown once, as the note.
  CHECK(has(text, "~ flow F_Resume (inboundcall) v9.0  [id-f], publish\n"
                  "  published v8.0 (2026-11-02T10:00:00.000Z): does not comply (1 edit)\n"
                  "  draft v9.0 saved by flowlink (run 20261121T101500Z-7f3a) since 2026-11-21T10:15:02.000Z: complies\n"
                  "  ! flowlink's own change saved but not published (run 20261121T101500Z-7f3a)\n"
                  "  ! locked by flowlink (an interrupted run 20261121T101500Z-7f3a)\n"
                  "  > resume: finish flowlink's own change (check in, publish, verify)\n\n"));
  CHECK(occurrences(text, "locked by flowlink (an interrupted run 20261121T101500Z-7f3a)") == 1);

  // Unchanged, but a colleague's non-compliant draft and a lock: shown, briefly.
  CHECK(has(text, "= flow G_Colleague_Draft (inboundcall) v2.0  [id-g]\n"
                  "  published v2.0 (2026-11-02T10:00:00.000Z): complies\n"
                  "  draft v3.0 checked in by Dave (user) since 2026-11-18T07:00:00.000Z: does not comply (1 edit, 1 "
                  "finding)\n"
                  "  ! checked in by Dave (user) at 2026-11-18T07:00:00.000Z, unpublished\n"
                  "  ! locked by Bob (user)\n\n"));
  CHECK(occurrences(text, "locked by Bob (user)") == 1);

  CHECK(has(text, "= flow H_Never_Published (inboundcall) v1.0  [id-h]\n"
                  "  published: none\n"
                  "  draft v1.0 saved by Erin (user) since 2026-11-17T06:00:00.000Z: complies\n"
                  "  ! never published\n\n"));

  // Locked by another flowlink run: drift, its edits not applied.
  CHECK(has(text, "! flow I_Other_Run (inboundcall) v2.0  [id-i]\n"
                  "  published v2.0 (2026-11-02T10:00:00.000Z): does not comply (1 edit)\n"
                  "  locked by flowlink (run 20261122T080000Z-0c1d, still going)\n"
                  "  ! locked by another flowlink run still going (20261122T080000Z-0c1d)\n"
                  "  # not applied; what the published version needs:\n"
                  "  + add call"));
  CHECK(has(text, "  locked by flowlink-ci (client): flowlink's OAuth client, but no run this work dir knows of\n"));

  CHECK_FALSE(has(text, "J_Quiet"));  // unchanged, nothing pending: counted only
  CHECK(has(text, "Plan: 2 to add, 1 to update, 0 to remove, 0 to move; 5 flows to change, 1 held by unpublished "
                  "drafts, 4 unchanged, 0 with errors.\n"));
  CHECK(has(text, "1 flow drifts with nothing to apply ('!': reported, not acted on).\n"));
}

TEST_CASE("render_text: the other wordings of resume, locks and drafts") {
  using namespace flowlink::plan;
  Plan plan = lifecycle_plan();
  FlowPlan& resume = plan.flows[5];

  SUBCASE("flowlink's checked-in draft, publish: false") {
    resume.draft->stage = DraftState::Stage::CheckedIn;
    resume.publish = false;
    const std::string text = render_text(plan, TextStyle{});
    CHECK(has(text, "  > resume: finish flowlink's own change (verify); not published (publish: false)\n"));
    CHECK(has(text, "~ flow F_Resume (inboundcall) v9.0  [id-f]\n"));
  }
  SUBCASE("flowlink's own draft that needs edits: resumed, never 'also publishes'") {
    resume.action = FlowAction::Edit;
    resume.edits = {add_logging_edit()};
    const std::string text = render_text(plan, TextStyle{});
    CHECK(has(text, "  > resume: edit flowlink's own draft v9.0, then check in, publish\n  + add call"));
    CHECK(occurrences(text, "also publishes") == 1);  // D_Also_Publishes only
  }
  SUBCASE("a draft whose owner and date are unknown, a held flow without a reason") {
    FlowPlan& held = plan.flows[1];
    held.draft->owner.reset();
    held.draft->since.clear();
    held.skip_reason.clear();
    FlowPlan& also = plan.flows[3];
    also.draft->owner.reset();
    also.draft->since.clear();
    const std::string text = render_text(plan, TextStyle{});
    CHECK(has(text, "  draft v4.0 checked in: does not comply (2 edits)\n"));
    CHECK(has(text, "  # held: someone's unpublished draft is in the way (unpublished: skip)\n"));
    CHECK(has(text, "  ^ also publishes someone's unpublished changes from an unknown date, version 4.0"));
  }
  SUBCASE("a nameless user is named by id") {
    plan.flows[4].draft->owner = user("", "user-7");
    const std::string text = render_text(plan, TextStyle{});
    CHECK(has(text, "  draft v7.0 checked in by user user-7 since"));
    CHECK(has(text, "  ^ publish user user-7's draft v7.0 as it is"));
  }
  SUBCASE("a note that begins with the lock line stands for it; one that does not leaves it") {
    plan.flows[6].notes[1].message = "locked by Bob (user): apply skips the flow while they hold it";
    std::string text = render_text(plan, TextStyle{});
    CHECK(has(text, "  ! locked by Bob (user): apply skips the flow while they hold it\n"));
    CHECK(occurrences(text, "locked by Bob (user)") == 1);
    plan.flows[6].notes[1].message = "Bob (user) holds the lock";
    text = render_text(plan, TextStyle{});
    CHECK(has(text, "  locked by Bob (user)\n  ! checked in by Dave"));
  }
  SUBCASE("a flow without a lifecycle keeps the export-directory form") {
    const std::string text = render_text(sample_plan(), TextStyle{});
    CHECK_FALSE(has(text, "published v"));
    CHECK_FALSE(has(text, "held"));
    CHECK_FALSE(has(text, "(org "));
  }
}

TEST_CASE("render_text: colours mark the lifecycle lines; edits not applied are not coloured as planned") {
  const std::string text = render_text(lifecycle_plan(), TextStyle{true});
  INFO(text);
  CHECK(has(text, "\x1b[36m\x1b[1m# flow B_Held"));
  CHECK(has(text, "  \x1b[1m\x1b[33m^ also publishes\x1b[0m Alice's"));
  CHECK(has(text, "  \x1b[35m! checked in by Alice (user)"));
  CHECK(has(text, "  \x1b[36m# held:\x1b[0m Alice (user)"));
  // The held flow's edit, plain under its "not applied" line; the planned one green.
  CHECK(has(text, "  \x1b[36m# not applied; what the published version needs:\x1b[0m\n  + add call Common_Logging_Module first"));
  CHECK(has(text, "  \x1b[32m+ add call Common_Logging_Module first"));
  CHECK(occurrences(text, "\x1b[32m+ add call") == 2);  // A and C; not B nor I
}

TEST_CASE("render_text and render_markdown: names, dates and notes from the org are escaped") {
  Plan plan = lifecycle_plan();
  plan.flows[1].draft->owner = user("Mallory\x1b[2J|<b>", "user-m");
  plan.flows[1].draft->since = "2026\r11";
  plan.flows[1].skip_reason = "held\x1b[31m";
  plan.flows[1].notes[0].message = "note\nforged line";
  plan.flows[8].lock->run_id = "run\x07";
  plan.org_name = "Acme\x1b]0;";
  const std::string text = render_text(plan, TextStyle{});
  CHECK_FALSE(has(text, "\x1b"));
  CHECK_FALSE(has(text, "\r"));
  CHECK_FALSE(has(text, "\x07"));
  CHECK(has(text, "  draft v4.0 checked in by Mallory\\x1b[2J|<b> (user) since 2026\\x0d11:"));
  CHECK(has(text, "  # held: held\\x1b[31m\n"));
  CHECK(has(text, "  ! note\\x0aforged line\n"));
  CHECK(has(text, "locked by flowlink (run run\\x07, still going)"));
  CHECK(has(text, "(org Acme\\x1b]0;)"));

  const std::string md = render_markdown(plan);
  CHECK(has(md, "| B_Held | inboundcall | held | ✗ v3.0 / ✗ v4.0 by Mallory\\x1b[2J\\|&lt;b&gt; | 1 | 0 | 0 | 0 |\n"));
  CHECK(has(md, "- **!** note\\x0aforged line\n"));
  CHECK_FALSE(has(md, "\x1b"));
  CHECK_FALSE(has(md, "<b>"));
}

TEST_CASE("render_markdown: the published / draft column, held flows, lifecycle lines in the details") {
  const std::string md = render_markdown(lifecycle_plan());
  INFO(md);
  CHECK(has(md, "Source: https://api.mypurecloud.ie · Org: Acme Contact Center · Manifest: manifests/flowlink.yaml\n"));
  CHECK(has(md, "**Plan:** 2 to add, 1 to update, 0 to remove, 0 to move; 5 flows to change, **1 held by unpublished "
                "drafts**, 4 unchanged, 0 with errors, 1 with drift only (reported, not acted on).\n"));
  CHECK(has(md, "| Flow | Type | Status | Published / draft | Add | Update | Remove | Move |\n"
                "|---|---|---|---|---:|---:|---:|---:|\n"
                "| A_Edit_Published | inboundcall | change | ✗ v3.0 | 1 | 0 | 0 | 0 |\n"
                "| B_Held | inboundcall | held | ✗ v3.0 / ✗ v4.0 by Alice | 1 | 0 | 0 | 0 |\n"
                "| C_Edit_Draft | inboundcall | change | ✗ v4.0 / ✗ v5.0 by ci-bot | 1 | 0 | 0 | 0 |\n"
                "| D_Also_Publishes | inboundcall | change | ✗ v3.0 / ✗ v4.0 by Alice | 0 | 1 | 0 | 0 |\n"
                "| E_Publish_Draft | inboundcall | change | ✗ v6.0 / ✓ v7.0 by Carol | 0 | 0 | 0 | 0 |\n"
                "| F_Resume | inboundcall | change | ✗ v8.0 / ✓ v9.0 by flowlink · locked by flowlink | 0 | 0 | 0 | 0 |\n"
                "| G_Colleague_Draft | inboundcall | no change | ✓ v2.0 / ✗ v3.0 by Dave · locked by Bob | 0 | 0 | 0 | 0 |\n"
                "| H_Never_Published | inboundcall | no change | none / ✓ v1.0 by Erin | 0 | 0 | 0 | 0 |\n"
                "| I_Other_Run | inboundcall | drift | ✗ v2.0 · locked by flowlink | 1 | 0 | 0 | 0 |\n"
                "| K_Client_Lock | inboundcall | no change | ✓ v2.0 · locked by flowlink-ci | 0 | 0 | 0 | 0 |\n"
                "\n1 other matched flow unchanged.\n"));
  CHECK_FALSE(has(md, "J_Quiet"));

  CHECK(has(md, "<details><summary>B_Held (inboundcall) v3.0 — held</summary>\n\n"
                "- published v3.0 (2026-11-02T10:00:00.000Z): does not comply (1 edit)\n"
                "- draft v4.0 checked in by Alice (user) since 2026-11-20T09:12:00.000Z: does not comply (2 edits)\n"
                "- **!** checked in by Alice (user) at 2026-11-20T09:12:00.000Z, unpublished\n"
                "- **# held:** Alice (user) has an unpublished check-in, version 4.0 from 2026-11-20T09:12:00.000Z "
                "(unpublished: skip)\n"
                "- *not applied; what the published version needs:*\n"
                "  - **+ add** call Common_Logging_Module first in task 'Billing' — rule 'support': missing\n"
                "    - inputs.Common.Message = `\"hello\"`\n"));
  CHECK(has(md, "- **~ edits** ci-bot's draft v5.0 and checks it in; not published: goes live when they publish "
                "(unpublished: edit-draft)\n- **+ add** call"));
  CHECK(has(md, "- ⚠️ **^ also publishes** Alice's unpublished changes from 2026-11-20T09:12:00.000Z, version 4.0 "
                "(unpublished: publish)\n- **~ update** call"));
  CHECK(has(md, "- **^ publish** Carol's draft v7.0 as it is (unpublished: publish)\n"));
  CHECK(has(md, "- **> resume:** finish flowlink's own change (check in, publish, verify)\n"));
  CHECK(has(md, "<details><summary>G_Colleague_Draft (inboundcall) v2.0 — no change</summary>\n\n"
                "- published v2.0 (2026-11-02T10:00:00.000Z): complies\n"
                "- draft v3.0 checked in by Dave (user) since 2026-11-18T07:00:00.000Z: does not comply (1 edit, 1 "
                "finding)\n"
                "- **!** checked in by Dave (user) at 2026-11-18T07:00:00.000Z, unpublished\n"
                "- **!** locked by Bob (user)\n\n</details>\n"));
  CHECK(has(md, "- published: none\n- draft v1.0 saved by Erin (user)"));
  CHECK(has(md, "- locked by flowlink (run 20261122T080000Z-0c1d, still going)\n"));
  CHECK(occurrences(md, "<details>") == 10);
  CHECK(occurrences(md, "</details>") == 10);
}

TEST_CASE("render_markdown: an unchanged flow with a note is listed, not summed up as all compliant") {
  Plan plan = lifecycle_plan();
  std::vector<flowlink::plan::FlowPlan> kept = {plan.flows[6], plan.flows[9]};  // G (notes), J (quiet)
  plan.flows = kept;
  const std::string md = render_markdown(plan);
  CHECK_FALSE(has(md, "already call their modules"));
  CHECK(has(md, "| G_Colleague_Draft | inboundcall | no change |"));
  CHECK(has(md, "1 other matched flow unchanged."));
  plan.flows[0].notes.clear();
  CHECK(has(render_markdown(plan), "All 2 matched flows already call their modules as the manifest says."));
}

// --- modules that must be current: republish ------------------------------------

namespace {

constexpr const char* kStaleValidation =
    "  ^ republish: calls Common_Validation_Module from before its publish of 2026-11-20T09:00:00.000Z (module v3.0); "
    "published 2026-11-01T10:00:00.000Z  [rule 'support-validation': current]\n";

}  // namespace

TEST_CASE("the stale plan has what the renderer tests expect") {
  using flowlink::plan::FlowAction;
  using Status = flowlink::plan::FlowPlan::Status;
  const Plan plan = stale_plan();
  REQUIRE(plan.errors.empty());
  REQUIRE(plan.flows.size() == 5);
  const std::vector<std::string> names = {"Inbound_A_Republish", "Inbound_B_Held", "Inbound_C_Edit_Stale",
                                          "Inbound_D_Current", "Queue_E_Draft_Policy"};
  const std::vector<FlowAction> actions = {FlowAction::Republish, FlowAction::Skip, FlowAction::Edit, FlowAction::None,
                                           FlowAction::None};
  const std::vector<Status> statuses = {Status::Change, Status::Held, Status::Change, Status::NoChange, Status::Drift};
  const std::vector<std::size_t> stale = {1, 1, 1, 0, 1};
  for (std::size_t i = 0; i < names.size(); ++i) {
    CAPTURE(names[i]);
    CHECK(plan.flows[i].flow_name == names[i]);
    CHECK(plan.flows[i].action == actions[i]);
    CHECK(plan.flows[i].status() == statuses[i]);
    CHECK(plan.flows[i].stale.size() == stale[i]);
  }
  CHECK(plan.flows[2].edits.size() == 2);
  const auto s = plan.summary();
  CHECK(s.republish == 1);  // the held flow's republish is not planned; the edited flow's publish is its own
  CHECK(s.to_change == 2);
  CHECK(s.held == 1);
  CHECK(s.drift_only == 1);
  CHECK(s.unchanged == 1);
}

TEST_CASE("render_text: stale modules under each flow, a republish is a change, the summary counts it") {
  const std::string text = render_text(stale_plan(), TextStyle{});
  INFO(text);
  // No edit: published again as it is, for the module it runs an old snapshot of.
  CHECK(has(text, std::string("~ flow Inbound_A_Republish (inboundcall) v2.0  [id-sa], publish\n"
                              "  published v2.0 (2026-11-01T10:00:00.000Z): does not comply (1 stale module)\n"
                              "  ^ publish v2.0 again as it is (no edit), so that it runs the latest version of 1 "
                              "module\n") +
                      kStaleValidation + "\n"));

  // Held because a republish would publish Alice's check-in.
  CHECK(has(text, std::string("# flow Inbound_B_Held (inboundcall) v2.0  [id-sb], held\n"
                              "  published v2.0 (2026-11-01T10:00:00.000Z): does not comply (1 stale module)\n"
                              "  draft v3.0 checked in by Alice (user) since 2026-11-20T09:12:00.000Z: complies\n"
                              "  ! version 3.0 is unpublished work of Alice (user); left alone (unpublished: skip); drift "
                              "reports it once it is published\n"
                              "  # held: the published version needs a republish (a module it calls changed), but there "
                              "is a draft above it (checked in by Alice (user) on 2026-11-20T09:12:00.000Z, version 3.0): "
                              "left alone so that their unpublished work is not published; set `unpublished: "
                              "edit-draft` or `publish` (or --unpublished) to act\n"
                              "  # not applied; what the published version needs:\n") +
                      kStaleValidation + "\n"));

  // Edits and a stale module: the edits' publish takes the module's latest version.
  CHECK(has(text, std::string("~ flow Inbound_C_Edit_Stale (inboundcall) v5.0  [id-sc], publish\n"
                              "  published v5.0 (2026-11-01T10:00:00.000Z): does not comply (2 edits, 1 stale module)\n") +
                      kStaleValidation +
                      "  ~ update call 'Call Common_Validation_Module' (Common_Validation_Module) first in task 'Main'  "
                      "[rule 'support-validation': inputs differ]\n"
                      "        inputs.Common.CallerAni: \"x\" -> \"Call.Ani\"\n"
                      "  + add call Common_Logging_Module first in task 'Billing'  [rule 'support-validation': "
                      "missing]\n"));
  CHECK_FALSE(has(text, "[id-sc], publish\n  published v5.0 (2026-11-01T10:00:00.000Z): does not comply (2 edits, 1 "
                        "stale module)\n  ^ publish"));  // no republish line of its own

  // edit-draft never publishes: the stale module is drift, not acted on.
  CHECK(has(text, "! flow Queue_E_Draft_Policy (inboundcall) v3.0  [id-se]\n"
                  "  published v2.0 (2026-11-01T10:00:00.000Z): does not comply (1 stale module)\n"
                  "  draft v3.0 saved by Dave (user) since 2026-11-18T07:00:00.000Z: complies\n"
                  "  ! version 3.0 is unpublished work of Dave (user); flowlink edits it and checks it in, never "
                  "publishes it (unpublished: edit-draft)\n"
                  "  # not applied; what the published version needs:\n"
                  "  ^ republish: calls Common_Validation_Module from before its publish of 2026-11-20T09:00:00.000Z "
                  "(module v3.0); published 2026-11-01T10:00:00.000Z  [rule 'queue-validation': current]\n\n"));

  CHECK_FALSE(has(text, "Inbound_D_Current"));  // published after the module: current
  CHECK(occurrences(text, "  ^ republish: ") == 4);
  CHECK(has(text, "Plan: 1 to add, 1 to update, 0 to remove, 0 to move, 1 to republish; 2 flows to change, 1 held by "
                  "unpublished drafts, 1 unchanged, 0 with errors.\n"));
  CHECK(has(text, "1 flow drifts with nothing to apply ('!': reported, not acted on).\n"));
}

TEST_CASE("render_text: the other wordings of a stale module and of the republish summary") {
  using namespace flowlink::plan;
  Plan plan = stale_plan();
  FlowPlan& republish = plan.flows[0];

  SUBCASE("the module version the flow snapshotted, when dependency tracking said, and who decided") {
    republish.stale[0].snapshot_version = "2.0";
    republish.stale[0].decided_by = "consumedresources";
    const std::string text = render_text(plan, TextStyle{});
    CHECK(has(text, "  ^ republish: calls Common_Validation_Module from before its publish of 2026-11-20T09:00:00.000Z "
                    "(snapshot v2.0 -> v3.0); published 2026-11-01T10:00:00.000Z  [rule 'support-validation': current; "
                    "decided by consumedresources]\n"));
  }
  SUBCASE("dates and versions unknown") {
    republish.stale[0].module_published.clear();
    republish.stale[0].consumer_published.clear();
    republish.stale[0].module_version.clear();
    CHECK(has(render_text(plan, TextStyle{}),
              "  ^ republish: calls Common_Validation_Module from before its latest publish; published at an unknown "
              "date  [rule 'support-validation': current]\n"));
    republish.stale[0].snapshot_version = "2.0";
    CHECK(has(render_text(plan, TextStyle{}), "from before its latest publish (snapshot v2.0); published at"));
  }
  SUBCASE("two stale modules, one line each") {
    StaleModule logging = republish.stale[0];
    logging.module_key = "logging";
    logging.module_id = kLoggingId;
    logging.module_name = kLoggingName;
    logging.module_version = "7.0";
    republish.stale.push_back(logging);
    const std::string text = render_text(plan, TextStyle{});
    CHECK(has(text, std::string("  ^ publish v2.0 again as it is (no edit), so that it runs the latest version of 2 "
                                "modules\n") +
                        kStaleValidation +
                        "  ^ republish: calls Common_Logging_Module from before its publish of "
                        "2026-11-20T09:00:00.000Z (module v7.0); published 2026-11-01T10:00:00.000Z  [rule "
                        "'support-validation': current]\n"));
    CHECK(has(text, "  published v2.0 (2026-11-01T10:00:00.000Z): does not comply (2 stale modules)\n"));
  }
  SUBCASE("only republishes: the summary says how many") {
    std::vector<FlowPlan> flows = {republish, republish, republish};
    flows[1].flow_id = "id-sa2";
    flows[2].flow_id = "id-sa3";
    plan.flows = flows;
    CHECK(has(render_text(plan, TextStyle{}),
              "Plan: 0 to add, 0 to update, 0 to remove, 0 to move, 3 to republish; 3 flows to change, 0 unchanged, 0 "
              "with errors.\n"));
    CHECK(has(render_markdown(plan),
              "**Plan:** 0 to add, 0 to update, 0 to remove, 0 to move, 3 to republish; 3 flows to change, 0 "
              "unchanged, 0 with errors.\n"));
  }
  SUBCASE("a held republish is not counted: the summary keeps its old words") {
    plan.flows = {plan.flows[1]};
    const std::string text = render_text(plan, TextStyle{});
    CHECK(has(text, "Plan: 0 to add, 0 to update, 0 to remove, 0 to move; 0 flows to change, 1 held by unpublished "
                    "drafts, 0 unchanged, 0 with errors.\n"));
    CHECK_FALSE(has(text, "to republish"));
  }
  SUBCASE("a draft basis not acted on: the stale modules under the published version, the edits under the draft") {
    FlowPlan& drift = plan.flows[4];
    drift.edits = {add_logging_edit("queue-validation")};
    drift.draft->complies = false;
    drift.draft->edits = 1;
    REQUIRE(drift.status() == FlowPlan::Status::Drift);
    CHECK(has(render_text(plan, TextStyle{}),
              "  # not applied; what the published version needs:\n"
              "  ^ republish: calls Common_Validation_Module from before its publish of 2026-11-20T09:00:00.000Z "
              "(module v3.0); published 2026-11-01T10:00:00.000Z  [rule 'queue-validation': current]\n"
              "  # not applied; what the draft version needs:\n"
              "  + add call Common_Logging_Module first in task 'Billing'  [rule 'queue-validation': missing]\n"));
  }
  SUBCASE("a held flow with edits and a stale module: one line says they are not applied") {
    FlowPlan& held = plan.flows[1];
    held.edits = {add_logging_edit("support-validation")};
    const std::string text = render_text(plan, TextStyle{});
    CHECK(has(text, std::string("  # not applied; what the published version needs:\n") + kStaleValidation +
                        "  + add call Common_Logging_Module first in task 'Billing'  [rule 'support-validation': "
                        "missing]\n"));
    CHECK(occurrences(text, "# not applied") == 2);  // B and E
  }
}

TEST_CASE("render_text: a planned republish is coloured, a held one is not; module names are escaped") {
  Plan plan = stale_plan();
  std::string text = render_text(plan, TextStyle{true});
  INFO(text);
  CHECK(has(text, "  \x1b[33m^ publish\x1b[0m v2.0 again as it is"));
  CHECK(has(text, "  \x1b[33m^ republish: calls Common_Validation_Module from before"));
  CHECK(occurrences(text, "\x1b[33m^ republish: ") == 2);  // A and C; not B nor E
  CHECK(has(text, "  \x1b[36m# not applied; what the published version needs:\x1b[0m\n  ^ republish: calls"));

  plan.flows[0].stale[0].module_name = "Evil\x1b[2J|<b>";
  plan.flows[0].stale[0].rule = "r\nforged";
  text = render_text(plan, TextStyle{});
  CHECK(has(text, "  ^ republish: calls Evil\\x1b[2J|<b> from before its publish of"));
  CHECK(has(text, "[rule 'r\\x0aforged': current]\n"));
  const std::string md = render_markdown(plan);
  CHECK(has(md, "- **^ republish:** calls Evil\\x1b[2J\\|&lt;b&gt; from before its publish of"));
  CHECK(has(md, "— rule 'r\\x0aforged': current\n"));
}

TEST_CASE("render_markdown: republish in the table and the details, stale modules listed") {
  const std::string md = render_markdown(stale_plan());
  INFO(md);
  CHECK(has(md, "**Plan:** 1 to add, 1 to update, 0 to remove, 0 to move, 1 to republish; 2 flows to change, **1 held "
                "by unpublished drafts**, 1 unchanged, 0 with errors, 1 with drift only (reported, not acted on).\n"));
  CHECK(has(md, "| Flow | Type | Status | Published / draft | Add | Update | Remove | Move | Stale modules |\n"
                "|---|---|---|---|---:|---:|---:|---:|---:|\n"
                "| Inbound_A_Republish | inboundcall | change (republish) | ✗ v2.0 | 0 | 0 | 0 | 0 | 1 |\n"
                "| Inbound_B_Held | inboundcall | held | ✗ v2.0 / ✓ v3.0 by Alice | 0 | 0 | 0 | 0 | 1 |\n"
                "| Inbound_C_Edit_Stale | inboundcall | change | ✗ v5.0 | 1 | 1 | 0 | 0 | 1 |\n"
                "| Queue_E_Draft_Policy | inboundcall | drift | ✗ v2.0 / ✓ v3.0 by Dave | 0 | 0 | 0 | 0 | 1 |\n"
                "\n1 other matched flow unchanged.\n"));
  const std::string stale_item =
      "**^ republish:** calls Common_Validation_Module from before its publish of 2026-11-20T09:00:00.000Z (module "
      "v3.0); published 2026-11-01T10:00:00.000Z — rule 'support-validation': current\n";
  CHECK(has(md, "<details><summary>Inbound_A_Republish (inboundcall) v2.0 — change</summary>\n\n"
                "- published v2.0 (2026-11-01T10:00:00.000Z): does not comply (1 stale module)\n"
                "- **^ publish** v2.0 again as it is (no edit), so that it runs the latest version of 1 module\n- " +
                    stale_item + "\n</details>\n"));
  CHECK(has(md, "- **# held:** the published version needs a republish (a module it calls changed), but there is a "
                "draft above it (checked in by Alice (user) on 2026-11-20T09:12:00.000Z, version 3.0): left alone so "
                "that their unpublished work is not published; set `unpublished: edit-draft` or `publish` (or "
                "--unpublished) to act\n"
                "- *not applied; what the published version needs:*\n  - " +
                    stale_item + "\n</details>\n"));
  CHECK(has(md, "- published v5.0 (2026-11-01T10:00:00.000Z): does not comply (2 edits, 1 stale module)\n- " +
                    stale_item +
                    "- **~ update** call 'Call Common_Validation_Module' (Common_Validation_Module) first in task "
                    "'Main' — rule 'support-validation': inputs differ\n"));
  CHECK(has(md, "- *not applied; what the published version needs:*\n"
                "  - **^ republish:** calls Common_Validation_Module from before its publish of "
                "2026-11-20T09:00:00.000Z (module v3.0); published 2026-11-01T10:00:00.000Z — rule 'queue-validation': "
                "current\n\n</details>\n"));
  CHECK(occurrences(md, "<details>") == 4);
  CHECK(occurrences(md, "</details>") == 4);
}
