#pragma once
// A plan made flow by flow. A producer (source::plan_org) gives a sink the
// plan's head, then each flow in plan order as soon as it is planned, then the
// end; a renderer that is a sink (render.hpp: TextPlanWriter, JsonPlanWriter)
// writes each flow and lets it go, so that a plan of thousands of flows never
// stands whole in memory. PlanCollector makes the whole Plan again, for the
// consumers that need it (Markdown and JUnit, which open with counts; apply).

#include <utility>
#include <vector>

#include "plan/plan.hpp"

namespace flowlink::plan {

class PlanSink {
 public:
  virtual ~PlanSink() = default;
  // The plan without flows. Everything in it is final but cache_hits: the
  // rules' counts, plan-wide errors (target errors included) and targets are
  // decided by the listing and the modules, before any flow is planned.
  virtual void begin(const PlanHead& head) = 0;
  // Each flow, in plan order (type, name, id).
  virtual void flow(const FlowPlan& flow) = 0;
  // The same head with cache_hits set, and the tally of every flow given.
  virtual void end(const PlanHead& head, const PlanTally& tally) = 0;
};

// Gives a whole plan to a sink (a plan read from a file or an export dir).
inline void feed(const Plan& plan, PlanSink& sink) {
  sink.begin(plan);
  for (const auto& flow : plan.flows) sink.flow(flow);
  sink.end(plan, plan.tally());
}

// Makes the whole Plan from what it is given.
class PlanCollector final : public PlanSink {
 public:
  void begin(const PlanHead& head) override { static_cast<PlanHead&>(plan_) = head; }
  void flow(const FlowPlan& flow) override { plan_.flows.push_back(flow); }
  void end(const PlanHead& head, const PlanTally&) override { plan_.cache_hits = head.cache_hits; }
  Plan& plan() { return plan_; }

 private:
  Plan plan_;
};

// Gives what it is given to each of several sinks, in order.
class PlanTee final : public PlanSink {
 public:
  explicit PlanTee(std::vector<PlanSink*> sinks) : sinks_(std::move(sinks)) {}
  void begin(const PlanHead& head) override {
    for (auto* sink : sinks_) sink->begin(head);
  }
  void flow(const FlowPlan& flow) override {
    for (auto* sink : sinks_) sink->flow(flow);
  }
  void end(const PlanHead& head, const PlanTally& tally) override {
    for (auto* sink : sinks_) sink->end(head, tally);
  }

 private:
  std::vector<PlanSink*> sinks_;
};

}  // namespace flowlink::plan
