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
