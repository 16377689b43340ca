#pragma once
// Internal to flowdoc: keeping manifest.commonModuleFlow in step with the calls.

#include <string>

#include "flowdoc/document.hpp"

namespace flowlink::flowdoc::detail {

// Lists action `action_id` under module `module_id`, creating the manifest, the
// commonModuleFlow array and the module entry as needed.
void add_module_use(Json& doc, const std::string& module_id, const std::string& module_name,
                    const std::string& action_id, const std::string& action_name);

// What to do with containers that an edit leaves empty.
struct ManifestOrigin {
  bool had_manifest = true;            // keep an emptied `manifest` object
  bool had_common_module_flow = true;  // keep an emptied commonModuleFlow array
};

// Drops every context entry for `action_id`, then any module entry left without
// uses; drops the commonModuleFlow array / manifest object once empty unless
// the original document had them.
void remove_module_use(Json& doc, const std::string& action_id, const ManifestOrigin& origin);

}  // namespace flowlink::flowdoc::detail
