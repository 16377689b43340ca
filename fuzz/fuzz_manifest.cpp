// Manifest text -> desired state (src/manifest/loader.hpp, parse_manifest):
// any bytes must give a DesiredState or errors naming file:line:col, never a
// crash, a hang or unbounded memory. For a manifest that loads, its selectors
// are also run against a few flow names.
#include <cstddef>
#include <cstdint>
#include <string>

#include "manifest/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowlink::manifest;
  const std::string text(reinterpret_cast<const char*>(data), size);
  LoadResult result = parse_manifest(text, "fuzz.yaml");
  for (const ManifestError& error : result.errors) {
    if (error.str().empty()) __builtin_trap();  // every error must say something
  }
  if (result.ok()) {
    for (const Rule& rule : result.state.rules) {
      rule.flows.matches("inboundcall", "Inbound_Support_Main");
      rule.flows.matches("commonmodule", "Réception_Été");
    }
  }
  return 0;
}
