// The module report's model and its renderers. Text (like the plan's):
//   module NAME [key] vX, published DATE  [id]
//     ~ stale    consumer ...      (a republish would change it)
//     = current  consumer ...
//     ? unknown  consumer ...
// then the lists (unmanaged, uncalled, missing) and a summary line that
// states the staleness rule. Every string from the org or the manifest is
// escaped (render_escape.hpp).
#include "plan/module_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "plan/render_escape.hpp"
#include "plan/text_palette.hpp"

namespace flowlink::plan {

namespace {

using Json = nlohmann::ordered_json;
using Status = ModuleConsumer::Status;

// The staleness rule, said once per report (text and Markdown).
constexpr const char* kRule =
    "A consumer is stale when its published version's datePublished is earlier than the module's latest "
    "publish; the snapshot version from dependency tracking decides only when a date is missing.";

using detail::Palette;
using detail::palette;

std::string t(std::string_view text) { return escape_terminal(text); }
// Markdown from the org: the plan's Markdown rules (control characters shown
// as in a terminal: the Markdown is often read there first).
std::string md(std::string_view text) { return escape_markdown(text); }
std::string md_code(std::string_view text) { return markdown_code(text); }

std::string plural(int n, const char* one, const char* many) { return fmt::format("{} {}", n, n == 1 ? one : many); }

std::string counts_line(int consumers, int current, int stale, int unknown, int must) {
  std::string out = fmt::format("{}: {} current, {} stale", plural(consumers, "consumer", "consumers"), current, stale);
  if (must > 0) out += fmt::format(" ({} must be current)", must);
  out += fmt::format(", {} unknown", unknown);
  return out;
}

std::string summary_line(const ModuleReportSummary& s) {
  return fmt::format("{}, {}", plural(s.modules, "module", "modules"),
                     counts_line(s.consumers, s.current, s.stale, s.unknown, s.stale_must_be_current));
}

// "v2.0, published 2026-..." / "v2.0" / `none` (no version, no date).
std::string version_words(const std::string& version, const std::string& date, std::string (*escape)(std::string_view),
                          const char* none) {
  if (version.empty()) return date.empty() ? std::string(none) : "published " + escape(date);
  std::string out = "v" + escape(version);
  if (!date.empty()) out += ", published " + escape(date);
  return out;
}

std::string flow_list_text(const std::vector<FlowRef>& flows) {
  std::string out;
  for (const auto& flow : flows) {
    if (!out.empty()) out += ", ";
    out += t(flow.name);
    if (!flow.type.empty()) out += " (" + t(flow.type) + ")";
  }
  return out;
}

std::string flow_list_md(const std::vector<FlowRef>& flows) {
  std::string out;
  for (const auto& flow : flows) {
    if (!out.empty()) out += ", ";
    out += md(flow.name);
    if (!flow.type.empty()) out += " (" + md(flow.type) + ")";
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string (*escape)(std::string_view)) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + escape(item);
  return out;
}

Json nullable(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json division_json(const std::string& id, const std::string& name) {
  if (id.empty() && name.empty()) return nullptr;
  return Json{{"id", id}, {"name", name}};
}

Json flow_ref_json(const FlowRef& flow) { return Json{{"id", flow.id}, {"name", flow.name}, {"type", nullable(flow.type)}}; }

Json strings_json(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(item);
  return out;
}

}  // namespace

const char* to_string(ModuleConsumer::Status status) {
  switch (status) {
    case Status::Current: return "current";
    case Status::Stale: return "stale";
    case Status::Unknown: break;
  }
  return "unknown";
}

int ModuleUsage::count(ModuleConsumer::Status status) const {
  return static_cast<int>(
      std::count_if(consumers.begin(), consumers.end(), [&](const ModuleConsumer& c) { return c.status == status; }));
}

int ModuleUsage::stale_must_be_current() const {
  return static_cast<int>(std::count_if(consumers.begin(), consumers.end(), [](const ModuleConsumer& c) {
    return c.status == Status::Stale && c.must_be_current;
  }));
}

ModuleReportSummary ModuleReport::summary() const {
  ModuleReportSummary s;
  s.modules = static_cast<int>(modules.size());
  for (const auto& module : modules) {
    s.consumers += static_cast<int>(module.consumers.size());
    s.current += module.count(Status::Current);
    s.stale += module.count(Status::Stale);
    s.unknown += module.count(Status::Unknown);
    s.stale_must_be_current += module.stale_must_be_current();
  }
  return s;
}

// --- text ----------------------------------------------------------------------

std::string render_module_report_text(const ModuleReport& report, const TextStyle& style) {
  const Palette p = palette(style);
  std::string out = "Modules";
  if (!report.source.empty()) out += " of " + t(report.source);
  if (!report.org_name.empty() || !report.org_id.empty())
    out += fmt::format(" (org {})", t(report.org_name.empty() ? report.org_id : report.org_name));
  if (!report.manifest_files.empty()) out += "; manifests: " + join(report.manifest_files, t);
  out += "\n";
  if (!report.module_filter.empty()) out += fmt::format("Only module {}\n", t(report.module_filter));
  out += fmt::format("Dependency tracking: {}\n",
                     report.dependency_tracking_status.empty() ? "unknown" : t(report.dependency_tracking_status));
  for (const auto& note : report.notes) out += fmt::format("{}! {}{}\n", p.magenta, t(note), p.reset);
  for (const auto& error : report.errors) out += fmt::format("{}x error: {}{}\n", p.red, t(error), p.reset);

  for (const auto& module : report.modules) {
    out += fmt::format("\n{}module {}{}{} {}{}  [{}]\n", p.bold, t(module.name),
                       module.key.empty() ? "" : " [" + t(module.key) + "]", p.reset,
                       version_words(module.published_version, module.published_date, t, "never published"),
                       module.division_name.empty() ? "" : ", division " + t(module.division_name), t(module.id));
    for (const auto& note : module.notes) out += fmt::format("  {}! {}{}\n", p.magenta, t(note), p.reset);
    if (module.consumers.empty()) out += "  no published flow calls it\n";
    for (const auto& consumer : module.consumers) {
      const char* colour = consumer.status == Status::Stale     ? p.yellow
                           : consumer.status == Status::Current ? p.green
                                                                : p.magenta;
      const char* symbol = consumer.status == Status::Stale ? "~" : consumer.status == Status::Current ? "=" : "?";
      std::string type = t(consumer.flow.type.empty() ? std::string("?") : consumer.flow.type);
      if (!consumer.division_name.empty()) type += ", division " + t(consumer.division_name);
      std::string line = fmt::format("  {}{} {:<8}{} {} ({}) {}", colour, symbol, to_string(consumer.status), p.reset,
                                     t(consumer.flow.name), type,
                                     version_words(consumer.published_version, consumer.published_date, t, "version unknown"));
      if (!consumer.snapshot_version.empty()) line += "; snapshot v" + t(consumer.snapshot_version);
      if (!consumer.decided_by.empty()) line += "; by " + t(consumer.decided_by);
      if (consumer.must_be_current) line += "; must be current";
      out += fmt::format("{}  [{}]\n", line, t(consumer.flow.id));
      for (const auto& note : consumer.notes) out += fmt::format("      {}! {}{}\n", p.magenta, t(note), p.reset);
    }
    if (!module.consumers.empty())
      out += fmt::format("  {}\n", counts_line(static_cast<int>(module.consumers.size()), module.count(Status::Current),
                                               module.count(Status::Stale), module.count(Status::Unknown),
                                               module.stale_must_be_current()));
  }

  if (!report.unmanaged.empty()) {
    out += "\nFlows calling modules no manifest mentions:\n";
    for (const auto& entry : report.unmanaged)
      out += fmt::format("  {}  [{}]: {}\n", t(entry.module_name), t(entry.module_id), flow_list_text(entry.flows));
  }
  if (!report.uncalled.empty()) {
    out += "\nManifest modules no flow calls:\n";
    for (const auto& entry : report.uncalled) {
      out += fmt::format("  {} ({})", t(entry.key), t(entry.name));
      out += entry.in_org ? fmt::format("  [{}]\n", t(entry.id)) : std::string(": not in the org\n");
    }
  }
  if (!report.missing.empty()) {
    out += "\nCalls to modules that no longer exist:\n";
    for (const auto& entry : report.missing) {
      out += fmt::format("  {}x {}{}", p.red, entry.module_name.empty() ? "(unnamed)" : t(entry.module_name), p.reset);
      if (!entry.module_id.empty()) out += fmt::format("  [{}]", t(entry.module_id));
      out += fmt::format(": {} (found by {})\n", flow_list_text(entry.flows), join(entry.found_by, t));
    }
  }

  out += fmt::format("\nModules: {}.\n", summary_line(report.summary()));
  out += fmt::format("{}\n", kRule);
  return out;
}

// --- Markdown ------------------------------------------------------------------

std::string render_module_report_markdown(const ModuleReport& report) {
  const ModuleReportSummary s = report.summary();
  std::string out = "## flowlink modules\n\n";
  std::vector<std::string> facts;
  if (!report.source.empty()) facts.push_back("Source: " + md(report.source));
  if (!report.org_name.empty() || !report.org_id.empty())
    facts.push_back("org " + (report.org_name.empty() ? md_code(report.org_id) : "**" + md(report.org_name) + "**"));
  if (!report.manifest_files.empty()) {
    std::string files;
    for (const auto& file : report.manifest_files) files += (files.empty() ? "" : ", ") + md_code(file);
    facts.push_back("manifests: " + files);
  }
  if (!report.module_filter.empty()) facts.push_back("only module " + md_code(report.module_filter));
  facts.push_back("dependency tracking: " + (report.dependency_tracking_status.empty()
                                                  ? std::string("unknown")
                                                  : md_code(report.dependency_tracking_status)));
  for (std::size_t i = 0; i < facts.size(); ++i) out += (i ? " · " : "") + facts[i];
  out += "\n\n";
  for (const auto& note : report.notes) out += fmt::format("> **!** {}\n\n", md(note));
  for (const auto& error : report.errors) out += fmt::format("> **error:** {}\n\n", md(error));
  out += fmt::format("**{}.** {}\n", summary_line(s), kRule);

  for (const auto& module : report.modules) {
    out += fmt::format("\n### {}{} — {}\n\n", md(module.name), module.key.empty() ? "" : " (" + md_code(module.key) + ")",
                       version_words(module.published_version, module.published_date, md, "never published"));
    for (const auto& note : module.notes) out += fmt::format("- **!** {}\n", md(note));
    if (module.consumers.empty()) {
      out += "No published flow calls it.\n";
      continue;
    }
    out += "| consumer | type | division | published | status | snapshot | decided by |\n";
    out += "|---|---|---|---|---|---|---|\n";
    for (const auto& consumer : module.consumers) {
      std::string status = consumer.status == Status::Stale ? "**stale**" : to_string(consumer.status);
      if (consumer.must_be_current) status += " (must be current)";
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", md(consumer.flow.name), md(consumer.flow.type),
                         md(consumer.division_name),
                         version_words(consumer.published_version, consumer.published_date, md, "version unknown"), status,
                         consumer.snapshot_version.empty() ? "" : "v" + md(consumer.snapshot_version),
                         md(consumer.decided_by));
    }
    std::string notes;
    for (const auto& consumer : module.consumers)
      for (const auto& note : consumer.notes) notes += fmt::format("- **!** {}: {}\n", md(consumer.flow.name), md(note));
    if (!notes.empty()) out += "\n" + notes;
  }

  if (!report.unmanaged.empty()) {
    out += "\n### Flows calling modules no manifest mentions\n\n";
    for (const auto& entry : report.unmanaged)
      out += fmt::format("- {}: {}\n", md(entry.module_name), flow_list_md(entry.flows));
  }
  if (!report.uncalled.empty()) {
    out += "\n### Manifest modules no flow calls\n\n";
    for (const auto& entry : report.uncalled)
      out += fmt::format("- {} ({}){}\n", md_code(entry.key), md(entry.name), entry.in_org ? "" : ": not in the org");
  }
  if (!report.missing.empty()) {
    out += "\n### Calls to modules that no longer exist\n\n";
    for (const auto& entry : report.missing) {
      out += fmt::format("- {}", entry.module_name.empty() ? "(unnamed)" : md(entry.module_name));
      if (!entry.module_id.empty()) out += " (" + md_code(entry.module_id) + ")";
      out += fmt::format(": {} — found by {}\n", flow_list_md(entry.flows), join(entry.found_by, md));
    }
  }
  return out;
}

// --- JSON ----------------------------------------------------------------------

Json module_report_to_json(const ModuleReport& report) {
  const ModuleReportSummary s = report.summary();
  Json json;
  json["format_version"] = report.format_version;
  json["flowlink_version"] = report.flowlink_version;
  json["source"] = report.source;
  json["org"] = report.org_id.empty() && report.org_name.empty()
                    ? Json(nullptr)
                    : Json{{"id", report.org_id}, {"name", report.org_name}};
  json["manifest_files"] = strings_json(report.manifest_files);
  json["module_filter"] = nullable(report.module_filter);
  json["dependency_tracking"] = Json{{"status", nullable(report.dependency_tracking_status)},
                                     {"used", report.dependency_tracking_used}};
  json["requests"] = Json{{"documents_read", report.documents_read},
                          {"snapshot_requests", report.snapshot_requests},
                          {"snapshots_skipped", report.snapshots_skipped}};
  json["summary"] = Json{{"modules", s.modules},   {"consumers", s.consumers}, {"current", s.current},
                         {"stale", s.stale},       {"unknown", s.unknown},
                         {"stale_must_be_current", s.stale_must_be_current}};
  json["notes"] = strings_json(report.notes);
  json["errors"] = strings_json(report.errors);
  Json modules = Json::array();
  for (const auto& module : report.modules) {
    Json consumers = Json::array();
    for (const auto& c : module.consumers) {
      consumers.push_back(Json{{"flow", flow_ref_json(c.flow)},
                               {"division", division_json(c.division_id, c.division_name)},
                               {"published_version", nullable(c.published_version)},
                               {"published_date", nullable(c.published_date)},
                               {"status", to_string(c.status)},
                               {"snapshot_version", nullable(c.snapshot_version)},
                               {"decided_by", nullable(c.decided_by)},
                               {"found_by", strings_json(c.found_by)},
                               {"must_be_current", c.must_be_current},
                               {"notes", strings_json(c.notes)}});
    }
    modules.push_back(Json{{"key", nullable(module.key)},
                           {"id", module.id},
                           {"name", module.name},
                           {"division", division_json(module.division_id, module.division_name)},
                           {"published_version", nullable(module.published_version)},
                           {"published_date", nullable(module.published_date)},
                           {"must_be_current", module.must_be_current},
                           {"counts", Json{{"consumers", module.consumers.size()},
                                           {"current", module.count(Status::Current)},
                                           {"stale", module.count(Status::Stale)},
                                           {"unknown", module.count(Status::Unknown)},
                                           {"stale_must_be_current", module.stale_must_be_current()}}},
                           {"consumers", std::move(consumers)},
                           {"notes", strings_json(module.notes)}});
  }
  json["modules"] = std::move(modules);
  Json unmanaged = Json::array();
  for (const auto& entry : report.unmanaged) {
    Json flows = Json::array();
    for (const auto& flow : entry.flows) flows.push_back(flow_ref_json(flow));
    unmanaged.push_back(Json{{"module_id", entry.module_id}, {"module_name", entry.module_name}, {"flows", flows}});
  }
  json["unmanaged"] = std::move(unmanaged);
  Json uncalled = Json::array();
  for (const auto& entry : report.uncalled)
    uncalled.push_back(Json{{"key", entry.key}, {"name", entry.name}, {"id", nullable(entry.id)}, {"in_org", entry.in_org}});
  json["uncalled"] = std::move(uncalled);
  Json missing = Json::array();
  for (const auto& entry : report.missing) {
    Json flows = Json::array();
    for (const auto& flow : entry.flows) flows.push_back(flow_ref_json(flow));
    missing.push_back(Json{{"module_id", nullable(entry.module_id)},
                           {"module_name", nullable(entry.module_name)},
                           {"flows", flows},
                           {"found_by", strings_json(entry.found_by)}});
  }
  json["missing"] = std::move(missing);
  return json;
}

std::string render_module_report_json(const ModuleReport& report) { return module_report_to_json(report).dump(2) + "\n"; }

}  // namespace flowlink::plan
