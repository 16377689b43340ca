#pragma once
// Observed flows from an export directory: what `flowlink plan --export-dir`
// reads instead of a live org.
//
// The directory holds flow configuration documents as plain *.json files
// and/or Architect export files (*.i3InboundFlow, *.i3CommonModule, ...: the
// document URL-encoded then base64-encoded), and optionally org.json, a list
// of {"file", "id", "name", "type", "published", "version"?} giving each file
// its flow id (examples/org/org.json). Other files are ignored.

#include <string>
#include <vector>

#include "manifest/desired_state.hpp"
#include "plan/planner.hpp"
#include "util/progress.hpp"

namespace flowlink::source {

// The index file of an export directory; never read as a flow.
inline constexpr const char* kOrgIndexFile = "org.json";

// Reads every flow file of `dir`, sorted by file name. id and version come
// from org.json when it lists the file (else id = the file's stem, version
// ""); name and type come from the document (a document without a type takes
// org.json's, else its extension's). A file that cannot be read, decoded or
// parsed (JSON nested deeper than util::kMaxJsonDepth included), or whose type
// nothing gives, becomes an ObservedFlow without a document whose load_error
// names the file; the others are still read. `published` is
// org.json's value, true when org.json does not say (an export holds what
// Architect exported; offline plans do not require published modules anyway).
// Throws std::runtime_error naming the directory when it does not exist or
// cannot be listed, and naming org.json when that file is malformed.
std::vector<plan::ObservedFlow> read_export_dir(const std::string& dir);

struct ExportPlanOptions {
  int parallelism = 0;  // threads parsing files; 0: one per core
  util::ProgressCounters* progress = nullptr;
};

// Reads the directory and plans it as a stream: every flow a rule selects is
// parsed, planned and let go, so that memory stays flat in the number of
// files (only the common modules' documents are kept). The plan is
// make_plan(desired, read_export_dir(dir), options)'s, byte for byte.
// Throws as read_export_dir does.
plan::Plan plan_export_dir(const std::string& dir, const manifest::DesiredState& desired,
                           const plan::PlanOptions& options, const ExportPlanOptions& read_options = {});

// True for the file names read_export_dir reads as flows: *.json (except
// org.json) and Architect export names.
bool is_export_flow_file(const std::string& filename);

// The flow type an Architect export name implies ("x.i3InboundFlow" ->
// "inboundcall"), "" when unknown. Only used to describe files that fail to
// load; a loaded flow's type is the document's.
std::string flow_type_from_export_name(const std::string& filename);

}  // namespace flowlink::source
