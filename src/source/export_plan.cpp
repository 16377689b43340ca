// plan_export_dir: an export directory planned as a stream (export_dir.hpp).
//
// Three passes over the files, each in parallel:
// 1. skim: every file's name and type (flowdoc::scan_identity), without
//    building its document;
// 2. whole: the files whose real identity matters beyond their own plan
//    (common modules, flows the manifest names as a module, files the skim
//    cannot read, files sharing an id) are read as read_export_dir reads
//    them; only the modules' documents (and those sharing an id, which
//    make_plan plans itself) are kept;
// 3. stream: each file a rule may select, or whose type may be unknown, is
//    read, planned against the modules of pass 2, and let go.
// Why the plan is make_plan(read_export_dir(dir))'s, byte for byte: a file's
// real identity is its document's when the document parses, else org.json's
// or its file name's (the fallback). The skim gives the document's for a
// document that parses; whatever it gives for one that does not, both the
// skimmed and the fallback identity are tested, and a file is left unread
// only when under neither identity it is selected, named, a module or
// typeless: such a file is in no flow's plan, no module's resolution and no
// plan-wide error, whichever identity is real.
#include <algorithm>
#include <map>
#include <optional>
#include <thread>

#include "flowdoc/document.hpp"
#include "flowdoc/identity_scan.hpp"
#include "genesys/vocabulary.hpp"
#include "source/export_dir.hpp"
#include "source/export_dir_internal.hpp"
#include "util/parallel_for.hpp"

namespace flowlink::source {

namespace {

struct Identity {
  std::string name;
  std::string type;
};

enum class Reading : char { Skip, Whole, Stream };

bool named_as_module(const manifest::DesiredState& desired, const std::string& id, const Identity& identity) {
  for (const auto& [key, ref] : desired.modules)
    if ((ref.id && *ref.id == id) || ref.name == identity.name) return true;
  return false;
}

bool selected(const manifest::DesiredState& desired, const plan::PlanOptions& options, const std::string& id,
              const Identity& identity) {
  if (!plan::is_targeted(options.targets, id, identity.name)) return false;
  return std::any_of(desired.rules.begin(), desired.rules.end(),
                     [&](const manifest::Rule& rule) { return rule.flows.matches(identity.type, identity.name); });
}

// How a file is to be read, judged on the identities it may have.
Reading reading_of(const manifest::DesiredState& desired, const plan::PlanOptions& options, const std::string& id,
                   const std::vector<Identity>& identities) {
  Reading reading = Reading::Skip;
  for (const auto& identity : identities) {
    if (genesys::is_common_module(identity.type) || named_as_module(desired, id, identity)) return Reading::Whole;
    // A typeless flow is a plan-wide error: stream it to learn its real type.
    if (identity.type.empty() || selected(desired, options, id, identity)) reading = Reading::Stream;
  }
  return reading;
}

// The identity the skim gives (nullopt when it cannot tell), with the same
// fallback for a missing type that read_flow applies.
std::optional<Identity> skimmed_identity(const detail::ExportFile& file) {
  try {
    std::string text = detail::read_file(file.path);
    if (flowdoc::is_architect_export_name(file.filename))
      text = flowdoc::decode_architect_export(text, file.path.string());
    auto scanned = flowdoc::scan_identity(text);
    if (!scanned) return std::nullopt;
    Identity identity{std::move(scanned->name), std::move(scanned->type)};
    if (identity.type.empty()) identity.type = detail::fallback_type(file.filename, file.entry);
    return identity;
  } catch (const std::exception&) {
    return std::nullopt;  // read_flow will say what is wrong
  }
}

// The ObservedFlow of a file that was not (yet) read whole: its identity and
// what org.json says, no document.
plan::ObservedFlow listed_flow(const detail::ExportFile& file, const Identity& identity) {
  plan::ObservedFlow flow;
  flow.id = file.entry ? file.entry->id : file.path.stem().string();
  flow.version = file.entry ? file.entry->version : "";
  flow.published = file.entry ? file.entry->published : true;
  flow.name = identity.name;
  flow.type = identity.type;
  return flow;
}

}  // namespace

plan::Plan plan_export_dir(const std::string& dir, const manifest::DesiredState& desired,
                           const plan::PlanOptions& options, const ExportPlanOptions& read_options) {
  const detail::ExportListing listing = detail::list_export_dir(dir);
  const auto& files = listing.files;
  const int threads = read_options.parallelism > 0
                          ? read_options.parallelism
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<plan::ObservedFlow> flows(files.size());
  std::vector<Reading> readings(files.size(), Reading::Skip);

  // 1. Skim.
  util::parallel_for(files.size(), threads, [&](std::size_t i) {
    const auto& file = files[i];
    const Identity fallback{detail::fallback_name(file.path, file.entry), detail::fallback_type(file.filename, file.entry)};
    const std::optional<Identity> skimmed = skimmed_identity(file);
    flows[i] = listed_flow(file, skimmed ? *skimmed : fallback);
    readings[i] = skimmed ? reading_of(desired, options, flows[i].id, {*skimmed, fallback}) : Reading::Whole;
  });
  // make_plan takes a streamed flow's plan by id: files sharing an id are
  // read whole and planned by make_plan from their documents instead.
  std::map<std::string, int> files_per_id;
  for (const auto& flow : flows) ++files_per_id[flow.id];
  std::vector<char> shared_id(files.size(), 0);  // read by pass 2's threads: no map lookups there
  for (std::size_t i = 0; i < flows.size(); ++i) shared_id[i] = files_per_id.at(flows[i].id) > 1;
  auto shares_id = [&](std::size_t i) { return shared_id[i] != 0; };
  std::size_t to_read = 0;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    if (readings[i] == Reading::Stream && shares_id(i)) readings[i] = Reading::Whole;
    if (readings[i] != Reading::Skip) ++to_read;
  }
  if (read_options.progress) read_options.progress->total = to_read;

  // 2. Whole. A non-module flow among them keeps its document only while
  // waiting for pass 3 to plan it (or for good when it shares an id).
  std::vector<char> plan_read_flow(files.size(), 0);
  util::parallel_for(files.size(), threads, [&](std::size_t i) {
    if (readings[i] != Reading::Whole) return;
    flows[i] = detail::read_flow(files[i].path, files[i].filename, files[i].entry);
    if (read_options.progress) ++read_options.progress->read;
    if (genesys::is_common_module(flows[i].type) || shares_id(i)) return;
    const Identity real{flows[i].name, flows[i].type};
    if (real.type.empty() || selected(desired, options, flows[i].id, real)) plan_read_flow[i] = 1;
    else flows[i].document.reset();
  });

  // 3. Stream: read (unless pass 2 did), plan, let go. Only the flow's own
  // slot changes; the planner's modules are other slots.
  const plan::PerFlowPlanner planner(desired, flows, options);
  std::vector<std::optional<plan::FlowPlan>> streamed(files.size());
  util::parallel_for(files.size(), threads, [&](std::size_t i) {
    if (plan_read_flow[i]) {
      streamed[i] = planner.plan(flows[i]);
      flows[i].document.reset();
      if (read_options.progress) ++read_options.progress->planned;
      return;
    }
    if (readings[i] != Reading::Stream) return;
    plan::ObservedFlow flow =
        detail::read_flow(files[i].path, files[i].filename, files[i].entry, DocumentParse::PlanningView);
    streamed[i] = planner.plan(flow);
    flow.document.reset();
    flows[i] = std::move(flow);
    if (auto* progress = read_options.progress) {
      ++progress->read;
      ++progress->planned;
    }
  });
  std::map<std::string, plan::FlowPlan> planned;
  for (std::size_t i = 0; i < files.size(); ++i)
    if (streamed[i]) planned.emplace(flows[i].id, std::move(*streamed[i]));
  streamed.clear();

  plan::Plan plan = plan::make_plan(desired, flows, options, &planned);
  if (read_options.progress) read_options.progress->planned = plan.flows.size();
  return plan;
}

}  // namespace flowlink::source
