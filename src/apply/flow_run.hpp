#pragma once
// One flow's run inside apply_plan (not a contract: only src/apply/*.cpp
// include this). The sequence and its guarantees are in applier.hpp.

#include <filesystem>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "apply/applier.hpp"
#include "apply/journal.hpp"
#include "apply/run_history.hpp"

namespace flowlink::apply::detail {

// What every flow's run of one apply shares.
struct Context {
  genesys::FlowApi& api;
  const manifest::DesiredState& desired;
  const ApplyOptions& options;
  Journal& journal;
  Clock now;
  flowdoc::IdSource ids;
  std::filesystem::path flowlink_dir;
  const std::vector<plan::ObservedFlow>* modules = nullptr;
  std::string modules_error;  // the modules could not be read: nothing can be verified
  std::string client_id;
  RunHistory history;  // this work dir's runs, as they were when this run started
  std::mutex progress_mutex;

  Context(genesys::FlowApi& api_, const manifest::DesiredState& desired_, const ApplyOptions& options_,
          Journal& journal_, Clock now_, flowdoc::IdSource ids_, std::filesystem::path flowlink_dir_)
      : api(api_), desired(desired_), options(options_), journal(journal_), now(std::move(now_)),
        ids(std::move(ids_)), flowlink_dir(std::move(flowlink_dir_)) {}

  // A step's line, with ApplyOptions::progress_steps (--verbose).
  void step_line(const std::string& line) {
    if (!options.progress || !options.progress_steps) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    *options.progress << line << '\n';
    options.progress->flush();
  }

  // A flow's line, once it is done.
  void flow_done(const FlowOutcome& out) {
    if (!options.progress) return;
    const std::string lines = render_apply_flow_lines(out, options.progress_color);
    std::lock_guard<std::mutex> lock(progress_mutex);
    *options.progress << lines;
    options.progress->flush();
  }
};

// Runs one actionable flow of the plan (lock, re-read, save, check in,
// publish, verify) and fills `out`; a flow's failures, skips and
// cancellation end up in `out`, not as exceptions.
void run_flow(Context& ctx, const plan::FlowPlan& plan, FlowOutcome& out);

}  // namespace flowlink::apply::detail
