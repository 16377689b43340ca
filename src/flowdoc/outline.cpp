// See outline.hpp.
#include "flowdoc/outline.hpp"

#include "flowdoc/graph.hpp"

namespace flowlink::flowdoc {

Outline outline(const Document& document) {
  const detail::Graph graph = detail::build_graph(document.json());
  Outline out;
  for (std::size_t i = 0; i < graph.sequences.size(); ++i) {
    const detail::SequenceRef& ref = graph.sequences[i];
    OutlineSequence sequence;
    sequence.id = ref.id;
    sequence.name = ref.name;
    sequence.type = detail::string_field(detail::sequence_json(document.json(), graph, i), "__type");
    sequence.initial = ref.initial;
    out.sequences.push_back(std::move(sequence));
  }
  // Document::actions lists the graph's actions in the graph's order (the
  // same document gives the same graph): attach each to its sequence by index.
  std::vector<ActionInfo> actions = document.actions();
  for (std::size_t k = 0; k < actions.size() && k < graph.actions.size(); ++k)
    out.sequences[graph.actions[k].sequence].actions.push_back(std::move(actions[k]));
  out.module_calls = document.module_calls();
  return out;
}

}  // namespace flowlink::flowdoc
