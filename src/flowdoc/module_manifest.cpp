// manifest.commonModuleFlow: the document's list of the common modules it
// calls, each with the call actions as `context` (shape in call_shape.hpp).
#include "flowdoc/module_manifest.hpp"

#include "flowdoc/call_shape.hpp"
#include "flowdoc/graph.hpp"

namespace flowlink::flowdoc::detail {

using namespace call_shape;

void add_module_use(Json& doc, const std::string& module_id, const std::string& module_name,
                    const std::string& action_id, const std::string& action_name) {
  Json& manifest = doc[kManifest];  // appended when absent
  if (manifest.is_null()) manifest = Json::object();
  Json& modules = manifest[kManifestKind];
  if (modules.is_null()) modules = Json::array();
  Json* entry = nullptr;
  for (Json& module : modules) {
    if (string_field(module, "id") == module_id) {
      entry = &module;
      break;
    }
  }
  if (!entry) {
    modules.push_back(Json{{"id", module_id}, {"name", module_name}, {kManifestContext, Json::array()}});
    entry = &modules.back();
  }
  Json& context = (*entry)[kManifestContext];
  if (!context.is_array()) context = Json::array();
  context.push_back(Json{{"id", action_id}, {"name", action_name}, {kManifestActionName, kManifestActionLabel}});
}

void remove_module_use(Json& doc, const std::string& action_id, const ManifestOrigin& origin) {
  auto manifest = doc.find(kManifest);
  if (manifest == doc.end() || !manifest->is_object()) return;
  auto modules = manifest->find(kManifestKind);
  if (modules == manifest->end() || !modules->is_array()) return;
  Json kept_modules = Json::array();
  bool changed = false;
  for (Json& module : *modules) {
    auto context = module.find(kManifestContext);
    if (context == module.end() || !context->is_array()) {
      kept_modules.push_back(std::move(module));
      continue;
    }
    Json kept_context = Json::array();
    for (Json& use : *context) {
      if (string_field(use, "id") == action_id) {
        changed = true;
      } else {
        kept_context.push_back(std::move(use));
      }
    }
    bool emptied = kept_context.empty() && !context->empty();
    *context = std::move(kept_context);
    if (!emptied) kept_modules.push_back(std::move(module));  // the last use gone: drop the module
  }
  *modules = std::move(kept_modules);
  if (!changed) return;
  if (modules->empty() && !origin.had_common_module_flow) manifest->erase(kManifestKind);
  if (manifest->empty() && !origin.had_manifest) doc.erase(kManifest);
}

}  // namespace flowlink::flowdoc::detail
