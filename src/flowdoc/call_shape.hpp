#pragma once
// The shape of a CallCommonModuleAction and of its manifest entry.
//
// ASSUMED, see shared/reference/flow-configuration.md ("Calling a common
// module"): Genesys does not document it; it is read off third-party readers of
// real flows. This is the one place in flowlink's own code that names those
// keys; change them here. (The emulator, the independent judge, reads the
// reference for itself: emulator/document_check.hpp, call_shape.)

namespace flowlink::flowdoc::call_shape {

inline constexpr const char* kType = "CallCommonModuleAction";  // __type
inline constexpr const char* kModuleId = "flowId";
inline constexpr const char* kModuleName = "flowName";
inline constexpr const char* kInputs = "inputs";
inline constexpr const char* kOutputs = "outputs";
inline constexpr const char* kBindingName = "name";
inline constexpr const char* kBindingValue = "value";

// manifest.commonModuleFlow: [{id, name, context:[{id, name, actionName}]}]
inline constexpr const char* kManifest = "manifest";
inline constexpr const char* kManifestKind = "commonModuleFlow";
inline constexpr const char* kManifestContext = "context";
inline constexpr const char* kManifestActionName = "actionName";
inline constexpr const char* kManifestActionLabel = "Call Common Module";

}  // namespace flowlink::flowdoc::call_shape
