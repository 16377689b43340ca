#pragma once
// The module report (`flowlink modules`): for each common module, its
// published version and the flows whose published version calls it, each
// judged current (built on the module's latest published version) or stale
// (an older one), with the field that decided it. Plain data and its
// renderers (text, JSON per schemas/modules.schema.json, Markdown); the
// gathering (I/O) is src/source/module_usage.hpp.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan/render.hpp"

namespace flowlink::plan {

inline constexpr int kModulesFormatVersion = 1;

// How a consumer's staleness was decided (ModuleConsumer::decided_by).
inline constexpr const char* kDecidedByDatePublished = "datePublished";
inline constexpr const char* kDecidedByDependencyTracking = "dependency tracking";
// How a consumer was found (ModuleConsumer::found_by, MissingModule::found_by).
inline constexpr const char* kFoundByDependencyTracking = "dependency tracking";
inline constexpr const char* kFoundByDocuments = "documents";

// A flow as the report names it.
struct FlowRef {
  std::string id;
  std::string name;
  std::string type;  // lowercase, e.g. "inboundcall"; "" when unknown
};

// A flow whose published version calls the module.
struct ModuleConsumer {
  enum class Status { Current, Stale, Unknown };
  FlowRef flow;
  std::string division_id;    // "" when unknown
  std::string division_name;
  std::string published_version;  // "3.0"; "" when unknown
  std::string published_date;     // ISO-8601 as sent; "" when unknown
  Status status = Status::Unknown;
  // The module version this published version snapshotted, when dependency
  // tracking (consumedresources with the version) said; "" unknown.
  std::string snapshot_version;
  std::string decided_by;  // kDecidedBy*; "" when Unknown
  std::vector<std::string> found_by;  // kFoundBy*, in that order
  // The manifest wants it current: a rule that selects this flow and
  // publishes ensures the module with `current: true` (on the entry or on the
  // module) — exactly the consumers `plan` republishes when stale.
  bool must_be_current = false;
  std::vector<std::string> notes;  // why unknown; where the sources disagree
};

struct ModuleUsage {
  std::string key;  // the manifest's key; "" when no manifest names the module
  std::string id;
  std::string name;
  std::string division_id;
  std::string division_name;
  std::string published_version;  // "" when never published
  std::string published_date;
  bool must_be_current = false;  // `current: true` on the module or on an ensure entry of it
  std::vector<ModuleConsumer> consumers;  // sorted by type, name, id
  std::vector<std::string> notes;
  int count(ModuleConsumer::Status status) const;
  int stale_must_be_current() const;
};

// Flows that call a module no manifest names (only among the modules the
// report covers).
struct UnmanagedModule {
  std::string module_id;
  std::string module_name;
  std::vector<FlowRef> flows;
};

// A manifest module that no published flow calls, or that is not in the org.
struct UncalledModule {
  std::string key;
  std::string name;  // as the manifest says
  std::string id;    // the org's flow id when found; "" when not in the org
  bool in_org = false;
};

// Calls to a module that no longer exists (neither its id nor its name is a
// common module of the org).
struct MissingModule {
  std::string module_id;    // as the calls say
  std::string module_name;
  std::vector<FlowRef> flows;
  std::vector<std::string> found_by;  // kFoundBy*
};

struct ModuleReportSummary {
  int modules = 0;
  int consumers = 0;  // consumer entries (a flow calling two modules counts twice)
  int current = 0;
  int stale = 0;
  int unknown = 0;
  int stale_must_be_current = 0;
};

struct ModuleReport {
  int format_version = kModulesFormatVersion;
  std::string flowlink_version;
  std::string source;  // API base URL
  std::string org_id;
  std::string org_name;
  std::vector<std::string> manifest_files;
  std::string module_filter;  // --module; "" for every module
  // GET .../dependencytracking/build status; "" when it could not be read.
  std::string dependency_tracking_status;
  // Consumers were found through consumingresources (OPERATIONAL) rather
  // than from documents alone.
  bool dependency_tracking_used = false;
  int documents_read = 0;      // published configurations read to find or check calls
  int snapshot_requests = 0;   // consumedresources requests made
  int snapshots_skipped = 0;   // consumers whose snapshot was not asked (the limit)
  std::vector<std::string> notes;   // report-wide, e.g. the fallback to documents
  std::vector<std::string> errors;  // e.g. --module names no common module
  std::vector<ModuleUsage> modules;  // sorted by name, id
  std::vector<UnmanagedModule> unmanaged;
  std::vector<UncalledModule> uncalled;
  std::vector<MissingModule> missing;

  ModuleReportSummary summary() const;
  bool has_errors() const { return !errors.empty(); }
  // Some consumer of a module the manifest wants current is stale.
  bool has_stale_must_be_current() const { return summary().stale_must_be_current > 0; }
};

const char* to_string(ModuleConsumer::Status status);  // "current", "stale", "unknown"

std::string render_module_report_text(const ModuleReport& report, const TextStyle& style);
std::string render_module_report_markdown(const ModuleReport& report);
nlohmann::ordered_json module_report_to_json(const ModuleReport& report);
std::string render_module_report_json(const ModuleReport& report);  // module_report_to_json(r).dump(2) + "\n"

}  // namespace flowlink::plan
