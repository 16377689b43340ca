// The apply report is printed to terminals and CI logs: org-supplied text in
// it (flow names, ids, server messages) cannot forge lines or escape codes.
#include <doctest/doctest.h>

#include "apply/applier.hpp"

using namespace flowlink::apply;

TEST_CASE("the apply report escapes what the org supplied") {
  ApplyReport report;
  report.run_id = "run-1";
  FlowOutcome flow;
  flow.flow_id = "id\x1b]0;owned\x07";
  flow.flow_name = "Evil\r\nSummary: 99 applied, 0 unchanged\x1b[2K";
  flow.flow_type = "inboundcall";
  flow.status = FlowOutcome::Status::Failed;
  flow.step = "publish";
  flow.reason = "server says \xc2\x9b" "31mred \xe2\x80\xae" "gnp.exe";
  report.flows.push_back(flow);
  report.plan_errors.push_back("plan error\x1b[31m");
  const std::string text = render_apply_text(report);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  CHECK(text.find("\xc2\x9b") == std::string::npos);
  CHECK(text.find("\xe2\x80\xae") == std::string::npos);
  CHECK(text.find("\nSummary: 99") == std::string::npos);  // no forged line
  CHECK(text.find("Evil\\x0d\\x0aSummary: 99 applied") != std::string::npos);
  // Exactly one real summary line.
  std::size_t summaries = 0;
  for (std::size_t at = text.find("\nSummary: "); at != std::string::npos; at = text.find("\nSummary: ", at + 1))
    ++summaries;
  CHECK(summaries == 1);
}

TEST_CASE("a flow's line says what happened to it, on one line") {
  FlowOutcome flow;
  flow.flow_id = "f-1";
  flow.flow_name = "Inbound A";
  flow.status = FlowOutcome::Status::Applied;
  flow.action = "edit";
  flow.edits = 3;
  flow.added = 1;
  flow.moved = 2;
  flow.version_before = "3.0";
  flow.version_after = "4.0";
  flow.published = true;
  CHECK(render_apply_flow_lines(flow, false) == "✓ Inbound A (f-1): 1 added, 2 moved, published 4.0\n");

  flow.published = false;
  flow.pending_publish = true;
  CHECK(render_apply_flow_lines(flow, false) ==
        "✓ Inbound A (f-1): 1 added, 2 moved, checked in 4.0, not published (pending publish)\n");

  FlowOutcome stale;
  stale.flow_id = "f-2";
  stale.flow_name = "Inbound B";
  stale.status = FlowOutcome::Status::SkippedStale;
  stale.step = "reread";
  stale.reason = "changed since the plan: the latest version is 5.0, the plan was made on 4.0; re-run plan";
  CHECK(render_apply_flow_lines(stale, false) ==
        "✗ Inbound B (f-2): skipped (stale) — changed since the plan: the latest version is 5.0, the plan was made "
        "on 4.0; re-run plan\n");

  FlowOutcome failed;
  failed.flow_id = "f-3";
  failed.flow_name = "Inbound C";
  failed.status = FlowOutcome::Status::Failed;
  failed.step = "publish";
  failed.reason = "publish failed: no";
  failed.cleanup_errors = {"unlock: 503"};
  CHECK(render_apply_flow_lines(failed, false) ==
        "✗ Inbound C (f-3): failed at publish — publish failed: no\n"
        "    could not release the lock (unlock: 503); check the flow in Architect\n");
  // In colour: the mark (and the lock line) only; the text is the same.
  const std::string coloured = render_apply_flow_lines(failed, true);
  CHECK(coloured.rfind("\x1b[31m✗\x1b[0m Inbound C (f-3): failed at publish — publish failed: no\n", 0) == 0);
}

TEST_CASE("a flow's line escapes what the org supplied, in colour too") {
  FlowOutcome flow;
  flow.flow_id = "id\x1b]0;owned\x07";
  flow.flow_name = "Evil\r\n\xe2\x9c\x93 Fake (x): 1 added, published 9.0\x1b[2K";
  flow.status = FlowOutcome::Status::SkippedLocked;
  flow.reason = "locked by \xc2\x9b" "31mMallory\xe2\x80\xae";
  for (const bool color : {false, true}) {
    const std::string line = render_apply_flow_lines(flow, color);
    INFO(line);
    CHECK(line.find('\r') == std::string::npos);
    CHECK(line.find('\x07') == std::string::npos);
    CHECK(line.find("\x1b]") == std::string::npos);
    CHECK(line.find("\x1b[2K") == std::string::npos);
    CHECK(line.find("\xc2\x9b") == std::string::npos);
    CHECK(line.find("\xe2\x80\xae") == std::string::npos);
    CHECK(line.find('\n') == line.size() - 1);  // one line: no forged second one
    CHECK(line.find("Evil\\x0d\\x0a") != std::string::npos);
  }
}

TEST_CASE("the summary is the report without its flows' lines") {
  ApplyReport report;
  report.run_id = "run-2";
  FlowOutcome flow;
  flow.flow_id = "f-1";
  flow.flow_name = "Inbound A";
  flow.status = FlowOutcome::Status::SkippedLocked;
  flow.reason = "locked by Alice (user u-1)";
  report.flows.push_back(flow);
  report.journal_path = ".flowlink/journal.jsonl";
  const std::string summary = render_apply_summary(report);
  CHECK(summary.find("Inbound A") == std::string::npos);
  CHECK(summary.rfind("Apply run run-2\n", 0) == 0);
  CHECK(summary.find("\nSummary: 0 applied, 0 unchanged, 0 skipped as stale, 1 skipped as locked,") !=
        std::string::npos);
  const std::string text = render_apply_text(report);
  CHECK(text.find("✗ Inbound A (f-1): skipped (locked) — locked by Alice (user u-1)\n") != std::string::npos);
  CHECK(text.find(summary.substr(summary.find("Summary: "))) != std::string::npos);
}
