#pragma once
// A flow document's outline: its sequences (tasks, states, ...) in document
// order, each with its actions' names, types and trackingIds: what a
// manifest's `at` can name (`task: NAME`; `after`/`before` an action by
// `name`, `trackingId`, `type`). Read by `flowlink inspect`. Pure.

#include <string>
#include <vector>

#include "flowdoc/document.hpp"

namespace flowlink::flowdoc {

struct OutlineSequence {
  std::string id;
  std::string name;
  std::string type;        // the item's __type ("Task", "State", ...), "" when absent
  bool initial = false;    // initialSequence: where `at: start` inserts
  std::vector<ActionInfo> actions;  // in actionList order
};

struct Outline {
  std::vector<OutlineSequence> sequences;
  std::vector<ModuleCall> module_calls;  // the common-module calls, as Document::module_calls
};

Outline outline(const Document& document);

}  // namespace flowlink::flowdoc
