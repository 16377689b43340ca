// The module report's renderers on hand-built reports: the text line by line,
// the Markdown's table and lists, the JSON's shape and its validity against
// schemas/modules.schema.json (ajv), the escaping of org-supplied strings
// (and that it is the plan renderers' escaping), colours.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "plan/module_report.hpp"
#include "plan/render.hpp"
#include "plan/render_escape.hpp"

using namespace flowlink::plan;
using Json = nlohmann::ordered_json;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

ModuleConsumer consumer(std::string id, std::string name, std::string type, std::string version, std::string date,
                        ModuleConsumer::Status status, std::string snapshot, std::string decided_by,
                        std::vector<std::string> found_by, bool must) {
  ModuleConsumer c;
  c.flow = {std::move(id), std::move(name), std::move(type)};
  c.published_version = std::move(version);
  c.published_date = std::move(date);
  c.status = status;
  c.snapshot_version = std::move(snapshot);
  c.decided_by = std::move(decided_by);
  c.found_by = std::move(found_by);
  c.must_be_current = must;
  return c;
}

const std::vector<std::string> kBoth = {kFoundByDependencyTracking, kFoundByDocuments};

// Every case once: a module the manifest wants current with a stale, a
// current and an unknown consumer; a module no manifest names, judged by
// dependency tracking; a manifest module nobody calls; one not in the org;
// calls to a module that is gone.
ModuleReport sample_report() {
  ModuleReport r;
  r.flowlink_version = "0.1.0";
  r.source = "https://api.mypurecloud.ie";
  r.org_id = "org-1";
  r.org_name = "Acme";
  r.manifest_files = {"manifests/support.yaml"};
  r.dependency_tracking_status = "OPERATIONAL";
  r.dependency_tracking_used = true;
  r.documents_read = 3;
  r.snapshot_requests = 4;

  ModuleUsage validation;
  validation.key = "validation";
  validation.id = "mod-val";
  validation.name = "Common_Validation_Module";
  validation.division_id = "div-home";
  validation.division_name = "Home";
  validation.published_version = "2.0";
  validation.published_date = "2026-11-30T06:00:00.000Z";
  validation.must_be_current = true;
  auto stale = consumer("flow-main", "Inbound_Support_Main", "inboundcall", "1.0", "2026-11-30T05:00:00.000Z",
                        ModuleConsumer::Status::Stale, "1.0", kDecidedByDatePublished, kBoth, true);
  stale.division_id = "div-home";
  stale.division_name = "Home";
  validation.consumers.push_back(stale);
  validation.consumers.push_back(consumer("flow-apac", "Inbound_Support_APAC", "inboundcall", "3.0",
                                          "2026-11-30T07:00:00.000Z", ModuleConsumer::Status::Current, "2.0",
                                          kDecidedByDatePublished, kBoth, true));
  auto unknown = consumer("flow-bot", "Bot_Helper", "bot", "", "", ModuleConsumer::Status::Unknown, "", "",
                          {kFoundByDependencyTracking}, false);
  unknown.notes.push_back("no datePublished for its published version and no snapshot version");
  validation.consumers.push_back(unknown);

  ModuleUsage survey;
  survey.id = "mod-survey";
  survey.name = "Common_Survey_Offer";
  survey.published_version = "1.0";
  survey.published_date = "2026-11-01T00:00:00.000Z";
  survey.consumers.push_back(consumer("flow-survey", "Inbound_Customer_Survey", "inboundcall", "1.0", "",
                                      ModuleConsumer::Status::Current, "1.0", kDecidedByDependencyTracking,
                                      {kFoundByDependencyTracking}, false));

  ModuleUsage legacy;
  legacy.key = "legacy-auth";
  legacy.id = "mod-legacy";
  legacy.name = "Legacy_Auth_Module";
  legacy.published_version = "1.0";
  legacy.published_date = "2026-10-01T00:00:00.000Z";

  r.modules = {survey, validation, legacy};
  r.unmanaged.push_back({"mod-survey", "Common_Survey_Offer", {{"flow-survey", "Inbound_Customer_Survey", "inboundcall"}}});
  r.uncalled.push_back({"legacy-auth", "Legacy_Auth_Module", "mod-legacy", true});
  r.uncalled.push_back({"ghost", "Ghost_Module", "", false});
  r.missing.push_back({"mod-old", "Old_Module", {{"flow-coll", "Inbound_Collections", "inboundcall"}}, {kFoundByDocuments}});
  return r;
}

// Writes each JSON to a file in the build tree and runs the schema checker
// on them all at once; returns its exit status (0: every file valid).
int schema_check(const std::vector<std::pair<std::string, Json>>& files) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(FLOWLINK_BINARY_DIR) / "test-modules-schema";
  fs::create_directories(dir);
  std::string command = std::string("node '") + FLOWLINK_SOURCE_DIR + "/tests/node/check-schema.js' '" +
                        FLOWLINK_SOURCE_DIR + "/schemas/modules.schema.json'";
  for (const auto& [name, json] : files) {
    std::ofstream(dir / name) << json.dump(2) << "\n";
    command += " '" + (dir / name).string() + "'";
  }
  command += " > '" + (dir / (files.front().first + ".log")).string() + "' 2>&1";
  return std::system(command.c_str());
}

}  // namespace

TEST_CASE("summary and counts") {
  const ModuleReport r = sample_report();
  const ModuleReportSummary s = r.summary();
  CHECK(s.modules == 3);
  CHECK(s.consumers == 4);
  CHECK(s.current == 2);
  CHECK(s.stale == 1);
  CHECK(s.unknown == 1);
  CHECK(s.stale_must_be_current == 1);
  CHECK(r.has_stale_must_be_current());
  ModuleReport relaxed = r;
  relaxed.modules[1].consumers[0].must_be_current = false;  // stale, but nobody asks for current
  CHECK_FALSE(relaxed.has_stale_must_be_current());
  CHECK(relaxed.summary().stale == 1);
}

TEST_CASE("text: every line") {
  const std::string text = render_module_report_text(sample_report(), TextStyle{});
  const std::vector<std::string> expected = {
      "Modules of https://api.mypurecloud.ie (org Acme); manifests: manifests/support.yaml",
      "Dependency tracking: OPERATIONAL",
      "",
      "module Common_Survey_Offer v1.0, published 2026-11-01T00:00:00.000Z  [mod-survey]",
      "  = current  Inbound_Customer_Survey (inboundcall) v1.0; snapshot v1.0; by dependency tracking  [flow-survey]",
      "  1 consumer: 1 current, 0 stale, 0 unknown",
      "",
      "module Common_Validation_Module [validation] v2.0, published 2026-11-30T06:00:00.000Z, division Home  [mod-val]",
      "  ~ stale    Inbound_Support_Main (inboundcall, division Home) v1.0, published 2026-11-30T05:00:00.000Z; "
      "snapshot v1.0; by datePublished; must be current  [flow-main]",
      "  = current  Inbound_Support_APAC (inboundcall) v3.0, published 2026-11-30T07:00:00.000Z; snapshot v2.0; by "
      "datePublished; must be current  [flow-apac]",
      "  ? unknown  Bot_Helper (bot) version unknown  [flow-bot]",
      "      ! no datePublished for its published version and no snapshot version",
      "  3 consumers: 1 current, 1 stale (1 must be current), 1 unknown",
      "",
      "module Legacy_Auth_Module [legacy-auth] v1.0, published 2026-10-01T00:00:00.000Z  [mod-legacy]",
      "  no published flow calls it",
      "",
      "Flows calling modules no manifest mentions:",
      "  Common_Survey_Offer  [mod-survey]: Inbound_Customer_Survey (inboundcall)",
      "",
      "Manifest modules no flow calls:",
      "  legacy-auth (Legacy_Auth_Module)  [mod-legacy]",
      "  ghost (Ghost_Module): not in the org",
      "",
      "Calls to modules that no longer exist:",
      "  x Old_Module  [mod-old]: Inbound_Collections (inboundcall) (found by documents)",
      "",
      "Modules: 3 modules, 4 consumers: 2 current, 1 stale (1 must be current), 1 unknown.",
      "A consumer is stale when its published version's datePublished is earlier than the module's latest publish; "
      "the snapshot version from dependency tracking decides only when a date is missing.",
  };
  const auto lines = lines_of(text);
  CHECK(lines.size() == expected.size());
  for (std::size_t i = 0; i < std::min(lines.size(), expected.size()); ++i) {
    CAPTURE(i);
    CHECK(lines[i] == expected[i]);
  }
  CHECK_FALSE(has(text, "\x1b"));  // no colour unless asked
}

TEST_CASE("text: notes, errors, a fallback, a filter, no module at all") {
  ModuleReport r;
  r.source = "http://127.0.0.1:9";
  r.module_filter = "Nope";
  r.dependency_tracking_status = "BUILDINPROGRESS";
  r.notes.push_back("dependency tracking's build is BUILDINPROGRESS, not OPERATIONAL");
  r.errors.push_back("--module 'Nope': no common module of the org has that name");
  const auto lines = lines_of(render_module_report_text(r, TextStyle{}));
  REQUIRE(lines.size() >= 7);
  CHECK(lines[0] == "Modules of http://127.0.0.1:9");
  CHECK(lines[1] == "Only module Nope");
  CHECK(lines[2] == "Dependency tracking: BUILDINPROGRESS");
  CHECK(lines[3] == "! dependency tracking's build is BUILDINPROGRESS, not OPERATIONAL");
  CHECK(lines[4] == "x error: --module 'Nope': no common module of the org has that name");
  CHECK(lines[6] == "Modules: 0 modules, 0 consumers: 0 current, 0 stale, 0 unknown.");
  ModuleReport unread;
  CHECK(lines_of(render_module_report_text(unread, TextStyle{}))[1] == "Dependency tracking: unknown");
}

TEST_CASE("text: colours only when asked, one per status") {
  const std::string text = render_module_report_text(sample_report(), TextStyle{true});
  CHECK(has(text, "  \x1b[33m~ stale   \x1b[0m Inbound_Support_Main"));
  CHECK(has(text, "  \x1b[32m= current \x1b[0m Inbound_Support_APAC"));
  CHECK(has(text, "  \x1b[35m? unknown \x1b[0m Bot_Helper"));
  CHECK(has(text, "\x1b[31mx Old_Module\x1b[0m"));
}

TEST_CASE("Markdown: the summary, a table per module, the lists") {
  const std::string md = render_module_report_markdown(sample_report());
  const auto lines = lines_of(md);
  REQUIRE(lines.size() > 4);
  CHECK(lines[0] == "## flowlink modules");
  CHECK(lines[2] ==
        "Source: https://api.mypurecloud.ie · org **Acme** · manifests: `manifests/support.yaml` · dependency tracking: "
        "`OPERATIONAL`");
  CHECK(has(md, "\n**3 modules, 4 consumers: 2 current, 1 stale (1 must be current), 1 unknown.** A consumer is stale "
                "when its published version's datePublished is earlier"));
  CHECK(has(md, "\n### Common_Validation_Module (`validation`) — v2.0, published 2026-11-30T06:00:00.000Z\n\n"
                "| consumer | type | division | published | status | snapshot | decided by |\n"
                "|---|---|---|---|---|---|---|\n"
                "| Inbound_Support_Main | inboundcall | Home | v1.0, published 2026-11-30T05:00:00.000Z | **stale** (must be "
                "current) | v1.0 | datePublished |\n"
                "| Inbound_Support_APAC | inboundcall |  | v3.0, published 2026-11-30T07:00:00.000Z | current (must be "
                "current) | v2.0 | datePublished |\n"
                "| Bot_Helper | bot |  | version unknown | unknown |  |  |\n"
                "\n- **!** Bot_Helper: no datePublished for its published version and no snapshot version\n"));
  CHECK(has(md, "\n### Legacy_Auth_Module (`legacy-auth`) — v1.0, published 2026-10-01T00:00:00.000Z\n\n"
                "No published flow calls it.\n"));
  CHECK(has(md, "\n### Flows calling modules no manifest mentions\n\n- Common_Survey_Offer: Inbound_Customer_Survey "
                "(inboundcall)\n"));
  CHECK(has(md, "\n### Manifest modules no flow calls\n\n- `legacy-auth` (Legacy_Auth_Module)\n- `ghost` (Ghost_Module): "
                "not in the org\n"));
  CHECK(has(md, "\n### Calls to modules that no longer exist\n\n- Old_Module (`mod-old`): Inbound_Collections "
                "(inboundcall) — found by documents\n"));
}

TEST_CASE("org-supplied strings are escaped: no forged colours, lines, table cells or HTML") {
  ModuleReport r = sample_report();
  const std::string evil_module = "Evil\x1b[31m|<b>&\nline";
  const std::string evil_flow = "Flow\r\n| x |\x07";
  r.modules[1].name = evil_module;
  r.modules[1].consumers[0].flow.name = evil_flow;
  r.modules[1].consumers[0].division_name = "Div|<i>";
  r.modules[1].notes.push_back("note with \x1b]0;title\x07");
  r.org_name = "Org\x1b[2J";
  r.modules[1].consumers[1].flow.name = "APAC\u202Eevil";  // a bidi override that would reorder the line

  const std::string text = render_module_report_text(r, TextStyle{});
  CHECK_FALSE(has(text, "\x1b"));
  CHECK_FALSE(has(text, "\x07"));
  CHECK(has(text, "module Evil\\x1b[31m|<b>&\\x0aline [validation]"));
  CHECK(has(text, "  ~ stale    Flow\\x0d\\x0a| x |\\x07 (inboundcall, division Div|<i>)"));
  CHECK(has(text, "(org Org\\x1b[2J)"));
  CHECK(has(text, "  = current  APAC\\u{202e}evil (inboundcall)"));
  CHECK_FALSE(has(text, "\u202E"));

  const std::string md = render_module_report_markdown(r);
  CHECK_FALSE(has(md, "\x1b"));
  CHECK_FALSE(has(md, "<b>"));
  CHECK_FALSE(has(md, "\u202E"));
  CHECK(has(md, "| APAC\\u{202e}evil |"));
  CHECK(has(md, "### Evil\\x1b[31m\\|&lt;b&gt;&amp;\\x0aline (`validation`)"));
  // The row stays one row of exactly 8 pipes (7 cells).
  std::string row;
  for (const auto& line : lines_of(md))
    if (line.rfind("| Flow", 0) == 0) row = line;
  REQUIRE_FALSE(row.empty());
  std::size_t pipes = 0;
  for (std::size_t i = 0; i < row.size(); ++i)
    if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++pipes;
  CHECK(pipes == 8);
  CHECK(has(row, "| Div\\|&lt;i&gt; |"));

  // JSON keeps the strings as they are (the JSON library escapes them).
  const Json json = module_report_to_json(r);
  CHECK(json["modules"][1]["name"] == evil_module);
  CHECK(has(render_module_report_json(r), "Evil\\u001b[31m|<b>&\\nline"));
}

TEST_CASE("the escaping is the plan renderers' escaping") {
  // render_text.cpp and render_markdown.cpp escape through render_escape.hpp:
  // compare on a plan error.
  const std::string evil = "a\x1b[1m|<b>&\"\n\r\t\x7f`z";
  Plan plan;
  plan.errors.push_back(evil);
  CHECK(has(render_text(plan, TextStyle{}), "x error: " + escape_terminal(evil) + "\n"));
  CHECK(escape_terminal(evil) == "a\\x1b[1m|<b>&\"\\x0a\\x0d\\x09\\x7f`z");
  CHECK(has(render_markdown(plan), "- " + escape_markdown(evil) + "\n"));
  CHECK(escape_markdown(evil) == "a\\x1b[1m\\|&lt;b&gt;&amp;\"\\x0a\\x0d\\x09\\x7f`z");
  CHECK(markdown_code("a`b") == "`` a`b ``");
  CHECK(markdown_code("ab") == "`ab`");
}

TEST_CASE("JSON: shape, values, nulls") {
  const Json json = module_report_to_json(sample_report());
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"format_version", "flowlink_version", "source", "org", "manifest_files",
                                         "module_filter", "dependency_tracking", "requests", "summary", "notes",
                                         "errors", "modules", "unmanaged", "uncalled", "missing"});
  CHECK(json["format_version"] == 1);
  CHECK(json["org"] == Json{{"id", "org-1"}, {"name", "Acme"}});
  CHECK(json["module_filter"].is_null());
  CHECK(json["dependency_tracking"] == Json{{"status", "OPERATIONAL"}, {"used", true}});
  CHECK(json["requests"]["snapshot_requests"] == 4);
  CHECK(json["summary"]["stale_must_be_current"] == 1);
  const Json& validation = json["modules"][1];
  CHECK(validation["key"] == "validation");
  CHECK(validation["division"] == Json{{"id", "div-home"}, {"name", "Home"}});
  CHECK(validation["counts"]["stale"] == 1);
  const Json& stale = validation["consumers"][0];
  CHECK(stale["flow"] == Json{{"id", "flow-main"}, {"name", "Inbound_Support_Main"}, {"type", "inboundcall"}});
  CHECK(stale["status"] == "stale");
  CHECK(stale["snapshot_version"] == "1.0");
  CHECK(stale["decided_by"] == "datePublished");
  CHECK(stale["found_by"] == Json::array({"dependency tracking", "documents"}));
  CHECK(stale["must_be_current"] == true);
  const Json& unknown = validation["consumers"][2];
  CHECK(unknown["status"] == "unknown");
  CHECK(unknown["decided_by"].is_null());
  CHECK(unknown["published_version"].is_null());
  CHECK(unknown["division"].is_null());
  CHECK(json["modules"][0]["key"].is_null());
  CHECK(json["uncalled"][1] == Json{{"key", "ghost"}, {"name", "Ghost_Module"}, {"id", nullptr}, {"in_org", false}});
  CHECK(json["missing"][0]["found_by"] == Json::array({"documents"}));
  CHECK(render_module_report_json(sample_report()) == json.dump(2) + "\n");
}

TEST_CASE("JSON validates against schemas/modules.schema.json (ajv, draft 2020-12); breaking it is caught") {
  REQUIRE_MESSAGE(std::filesystem::exists(FLOWLINK_SOURCE_DIR "/tests/node/node_modules/ajv/package.json"),
                  "run scripts/install-deps: tests/node/node_modules/ajv is missing");
  const Json json = module_report_to_json(sample_report());
  ModuleReport fallback;
  fallback.dependency_tracking_status = "BUILDINPROGRESS";
  fallback.notes.push_back("not OPERATIONAL");
  fallback.module_filter = "validation";
  CHECK(schema_check({{"sample-modules.json", json},
                      {"empty-modules.json", module_report_to_json(ModuleReport{})},
                      {"fallback-modules.json", module_report_to_json(fallback)}}) == 0);

  std::vector<std::pair<std::string, Json>> invalid;
  Json bad = json;
  bad["modules"][1]["consumers"][0]["status"] = "rotten";
  invalid.emplace_back("bad-status.json", bad);
  bad = json;
  bad["modules"][1]["consumers"][2]["decided_by"] = "datePublished";  // unknown, yet decided
  invalid.emplace_back("bad-unknown-decided.json", bad);
  bad = json;
  bad["modules"][1]["consumers"][0]["decided_by"] = nullptr;  // stale, yet decided by nothing
  invalid.emplace_back("bad-stale-undecided.json", bad);
  bad = json;
  bad["modules"][1]["consumers"][0]["found_by"] = Json::array({"guesswork"});
  invalid.emplace_back("bad-found-by.json", bad);
  bad = json;
  bad["modules"][0].erase("consumers");
  invalid.emplace_back("bad-no-consumers.json", bad);
  bad = json;
  bad["modules"][0]["colour"] = "blue";
  invalid.emplace_back("bad-key.json", bad);
  bad = json;
  bad["format_version"] = 2;
  invalid.emplace_back("bad-version.json", bad);
  bad = json;
  bad["summary"]["stale"] = -1;
  invalid.emplace_back("bad-count.json", bad);
  for (const auto& file : invalid) {
    CAPTURE(file.first);
    CHECK(schema_check({file}) != 0);
  }
}
