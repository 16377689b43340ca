#pragma once
// What the emulator needs to know about a flow configuration document: its
// name, type, languages and the common modules it calls. Dependency tracking
// and publish checks use these facts, recorded per version at save time, so
// they never re-read documents.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/model.hpp"

namespace flowlink::emulator {

struct DocumentFacts {
  std::string name;
  std::string type;  // UPPERCASE flow type, "" if the document has none
  bool secure = false;
  std::vector<std::string> languages;
  std::vector<ModuleRef> calls;  // distinct module ids, document order
};

// Parses a configuration document; throws ApiFailure 400 (field "body") if the
// text is not a JSON object. `flow_id` names the flow in the message.
Json parse_document(std::string_view text, std::string_view flow_id);

DocumentFacts facts_of(const Json& document);
// The same facts read straight from the text with a SAX pass (no tree built:
// seeding thousands of large documents stays fast). Throws ApiFailure 400 if
// the text is not a JSON object.
DocumentFacts facts_of_text(std::string_view text, std::string_view source);

// Seeding: points every CallCommonModuleAction (and manifest.commonModuleFlow
// entry) whose flowId is not in `module_ids` but whose flowName is a key of
// `module_id_by_name` at that module's id. Returns how many were re-pointed.
int repoint_module_calls(Json& document, const std::set<std::string>& module_ids,
                         const std::map<std::string, std::string>& module_id_by_name);

}  // namespace flowlink::emulator
