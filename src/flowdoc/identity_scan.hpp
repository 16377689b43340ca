#pragma once
// A flow document's identity (its top-level "name" and "type") without
// building the document: what a streaming read of an export directory needs
// to tell which files the rules select and which are common modules before
// it parses any of them in full (source/export_plan.cpp).
//
// The scan is a skim, not a validation: it walks the top-level object and
// steps over every nested value with a stack of closers (no recursion, so any depth
// is safe), and answers nullopt for whatever it does not understand. On a
// document Document::parse accepts it gives Document::name() and type(); on
// one parse rejects it may give anything, so a caller must never take its
// answer as proof that the document is sound.

#include <optional>
#include <string>
#include <string_view>

namespace flowlink::flowdoc {

struct ScannedIdentity {
  std::string name;  // "" when the object has no "name"
  std::string type;  // "" when it has no "type"
};

// nullopt: not a JSON object, malformed where the scan looked, or a "name" /
// "type" that is not a string.
std::optional<ScannedIdentity> scan_identity(std::string_view text);

}  // namespace flowlink::flowdoc
