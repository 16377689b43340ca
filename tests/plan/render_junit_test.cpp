// JUnit output: one case per flow and rule with the right outcome, the plan's
// lines as the failure text, well-formed XML (libxml2 parses it) whatever the
// org's names hold.
#include <doctest/doctest.h>

#include "support/text_checks.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <string>

#include "plan/render.hpp"
#include "render_support.hpp"

using namespace plantest;
using flowlink::plan::Plan;
using flowlink::plan::render_junit;

namespace {

using flowlink::testing::has;
using flowlink::testing::occurrences;

// Parsed by libxml2, no network, errors not printed: true when well-formed.
bool well_formed(const std::string& xml) {
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "junit.xml", "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) return false;
  const xmlNode* root = xmlDocGetRootElement(doc);
  const bool ok = root && std::string(reinterpret_cast<const char*>(root->name)) == "testsuites";
  xmlFreeDoc(doc);
  return ok;
}

}  // namespace

TEST_CASE("junit: a case per flow and per rule, passed, failed with the plan's lines, errored") {
  const Plan plan = sample_plan();  // 2 to change, 1 unchanged, 1 error, a plan-wide error, rule 'ghostly' empty
  const std::string xml = render_junit(plan);
  INFO(xml);
  CHECK(well_formed(xml));
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"flowlink plan\" tests=\"7\" "
                  "failures=\"3\" errors=\"2\">\n", 0) == 0);
  CHECK(has(xml, "<testsuite name=\"flowlink plan: flows\" tests=\"4\" failures=\"2\" errors=\"1\" skipped=\"0\">"));
  CHECK(has(xml, "<testsuite name=\"flowlink plan: rules\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">"));
  CHECK(has(xml, "<testcase classname=\"flows.inboundcall\" name=\"Quiet [id-quiet]\"/>\n"));
  // The failure text is the text plan's block for the flow.
  CHECK(has(xml, "<failure message=\"change: 4 edits, 0 findings\" type=\"change\">~ flow Inbound_Support_Main "
                 "(inboundcall) v3.0"));
  CHECK(has(xml, "        inputs.Common.CallerAni: &quot;x&quot; -&gt; &quot;Call.Ani&quot;\n"));
  CHECK(has(xml, "<error message=\"could not be planned\" type=\"error\">x flow Unreadable"));
  CHECK(has(xml, "<testcase classname=\"rules\" name=\"rule support\"/>"));
  CHECK(has(xml, "<failure message=\"rule &apos;ghostly&apos; selects no flow"));
  CHECK(has(xml, "<testcase classname=\"plan\" name=\"plan-wide error 1\">"));
  CHECK(occurrences(xml, "<testcase ") == 7);
}

TEST_CASE("junit for drift: a flow fails only when it drifted as the check judges") {
  Plan plan = lifecycle_plan();
  flowlink::plan::JunitOptions options;
  options.heading = "flowlink drift";
  options.drift = flowlink::plan::DriftCheck::Published;
  const std::string xml = render_junit(plan, options);
  CHECK(well_formed(xml));
  int drifted = 0;
  for (const auto& flow : plan.flows) drifted += flowlink::plan::drifted(flow, flowlink::plan::DriftCheck::Published) &&
                                                 flow.status() != flowlink::plan::FlowPlan::Status::Error;
  CHECK(occurrences(xml, "type=\"drift\"") == drifted);
  CHECK(has(xml, "<testsuites name=\"flowlink drift\""));
}

TEST_CASE("junit: hostile names (control characters XML forbids, quotes, markup, bad UTF-8) stay well-formed") {
  Plan plan = sample_plan();
  plan.flows[0].flow_name = "A\x01\x1b[31m<x>&\"'\x7f\xc2\x9b\xe2\x80\xae\xff]]>";
  plan.flows[0].edits[0].module_name = "M\x0b\x0c<";
  plan.errors[0] = "err\x02<";
  plan.rules[0].rule = "r\x1f\"";
  const std::string xml = render_junit(plan);
  INFO(xml);
  CHECK(well_formed(xml));
  CHECK_FALSE(has(xml, "\x01"));
  CHECK_FALSE(has(xml, "\x1b"));
  CHECK_FALSE(has(xml, "\x0b"));
  CHECK_FALSE(has(xml, "\xff"));
  CHECK(has(xml, "name=\"A\\x01\\x1b[31m&lt;x&gt;&amp;&quot;&apos;\\x7f\\u{9b}\\u{202e}\\xff]]&gt; [id-billing]"));
}
