#pragma once
// How a source parses the flow documents it reads.

#include <string>
#include <string_view>
#include <utility>

#include "flowdoc/document.hpp"

namespace flowlink::source {

// Whole: flowdoc::Document::parse, a document that can be edited, serialized
// and read as a module. PlanningView: flowdoc::Document::parse_for_planning,
// for a flow that is planned and let go; never for a common module (the
// planner reads its interface) and never for what apply edits.
enum class DocumentParse { Whole, PlanningView };

inline flowdoc::Document parse_document(std::string_view text, std::string source, DocumentParse parse) {
  if (parse == DocumentParse::PlanningView) return flowdoc::Document::parse_for_planning(text, std::move(source));
  return flowdoc::Document::parse(text, std::move(source));
}

}  // namespace flowlink::source
