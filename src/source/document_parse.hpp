#pragma once
// How a source parses the flow documents it reads.

namespace flowlink::source {

// Whole: flowdoc::Document::parse, a document that can be edited, serialized
// and read as a module. PlanningView: flowdoc::Document::parse_for_planning,
// for a flow that is planned and let go; never for a common module (the
// planner reads its interface) and never for what apply edits.
enum class DocumentParse { Whole, PlanningView };

}  // namespace flowlink::source
