#pragma once
// JSON -> the flow_api.hpp model. Genesys answers flow types UPPERCASE; the
// model keeps them lowercase (the spelling the list query uses).

#include <string>

#include "genesys/flow_api.hpp"

namespace flowlink::genesys {

FlowVersionInfo version_from_json(const Json& json);
Operation operation_from_json(const Json& json);
// raw: fill Flow::raw with the object's compact text.
Flow flow_from_json(const Json& json, bool raw = true);
Organization organization_from_json(const Json& json);
Dependency dependency_from_json(const Json& json);

}  // namespace flowlink::genesys
