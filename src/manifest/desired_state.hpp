#pragma once
// The desired state a manifest declares: which common modules the flows
// matching each rule must call (where, with which bindings) and which they
// must no longer call. Produced by load_manifest() (loader.hpp), consumed by
// the planner. Plain data.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flowdoc/document.hpp"

namespace flowlink::manifest {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string str() const;  // "file:line:col"
};

// A flow-name pattern: a glob (`*`, `?`, `[...]`, `\` escapes the next
// character) or, with the `regex:` prefix, an ECMAScript regex that must match
// the whole name. Matching is case-sensitive unless the rule says otherwise.
//
// Limits (README "Name patterns"), so that neither a manifest nor a flow name
// can exhaust the stack or the CPU: the loader refuses a pattern longer than
// kMaxBytes, a regex that nests groups deeper than kMaxRegexDepth, that comes
// to more than kMaxRegexAtoms atoms once `{n,m}` repetitions are counted out,
// or that uses a back-reference or a lookahead inside a lookahead. A regex is
// run only on names of at most kMaxRegexNameBytes (see `judges`). A pattern
// over these limits, however it was built, matches nothing.
struct NamePattern {
  enum class Kind { Glob, Regex };
  Kind kind = Kind::Glob;
  std::string text;  // without the "regex:" prefix
  bool case_sensitive = true;
  SourceLocation location;

  static constexpr std::size_t kMaxBytes = 1000;
  static constexpr std::size_t kMaxRegexDepth = 32;
  static constexpr std::size_t kMaxRegexAtoms = 1000;
  static constexpr std::size_t kMaxRegexNameBytes = 1000;

  bool matches(std::string_view flow_name) const;
  // Whether the pattern can judge this name: false for a regex and a name
  // longer than kMaxRegexNameBytes (it then does not match). Globs judge
  // names of any length, in at most (name length × pattern length) steps.
  bool judges(std::string_view flow_name) const;
};

struct FlowSelector {
  std::vector<std::string> types;  // lowercase Genesys flow types, e.g. "inboundcall"
  std::vector<NamePattern> include;
  std::vector<NamePattern> exclude;
  // The type is listed, an include pattern matches the name and no exclude
  // pattern does. A name an exclude pattern cannot judge (NamePattern::judges)
  // counts as excluded: flowlink leaves alone a flow it cannot tell apart.
  bool matches(std::string_view type, std::string_view name) const;
};

// A module the manifest refers to by key.
struct ModuleRef {
  std::string key;   // the manifest's own name, e.g. "validation"
  std::string name;  // the COMMONMODULE flow's name in Genesys
  std::optional<std::string> id;  // optional: pin the flow id
  // Every flow that calls the module must run its latest published version
  // (a consumer published before the module's latest publish is republished).
  bool current = false;
  SourceLocation location;
};

// Where an ensured call must stand.
struct Placement {
  enum class Kind {
    Start,   // first action of the flow's initial task
    Task,    // first action of the named task
    After,   // right after the anchor action
    Before,  // right before the anchor action
  };
  Kind kind = Kind::Start;
  std::string task;                  // Task
  flowdoc::ActionSelector anchor;    // After / Before
  std::string describe() const;      // "start", "task 'Main'", "after 'Play Welcome'"
};

struct EnsureEntry {
  std::string module;  // key into DesiredState::modules
  Placement at;
  flowdoc::Bindings inputs;
  flowdoc::Bindings outputs;
  bool move = false;    // misplaced calls are moved, not just reported
  bool dedupe = false;  // extra calls are removed, not just reported
  // The selected flows must run the module's latest published version
  // (or the module says `current: true` for every rule).
  bool current = false;
  SourceLocation location;
};

struct RemoveEntry {
  std::string module;
  SourceLocation location;
};

// What flowlink does with a flow whose draft (a saved or checked-in version
// above the published one) is not flowlink's own. Per rule (`unpublished:`),
// overridable for a run (--unpublished). Ordered from the most to the least
// cautious: a flow several rules select gets the most cautious.
enum class UnpublishedPolicy {
  Skip,       // leave the flow alone, report the draft with owner and date (default)
  EditDraft,  // edit their draft and check it in; never publish (both go live when they publish)
  Publish,    // edit their draft and publish it: their changes go live with ours
};

struct Rule {
  std::string name;
  FlowSelector flows;
  std::vector<EnsureEntry> ensure;
  std::vector<RemoveEntry> remove;
  bool publish = true;  // publish the flow after its change is checked in
  UnpublishedPolicy unpublished = UnpublishedPolicy::Skip;
  SourceLocation location;
};

// The environment (org) a desired state was loaded for: an environment file
// (environment.hpp) whose variables the manifests' ${var.NAME} took their
// values from. Only what later layers need: the name plans record, and the
// org the run must be talking to.
struct Environment {
  std::string name;      // "prod": --env NAME, or the --env-file's name without extension
  std::string file;      // the environment file, as found or given
  std::string region;    // org.region; "" when not declared
  std::string org_id;    // org.id: the org the run must be talking to; "" when not declared
  std::string org_name;  // org.name: likewise
};

struct DesiredState {
  std::string api_version;                 // "flowlink/v1"
  std::map<std::string, ModuleRef> modules;  // by key
  std::vector<Rule> rules;                 // in file order, files in name order
  std::vector<std::string> files;          // what was read
  // SHA-256 over the files' contents in load order: a saved plan records it
  // so that apply can refuse a plan whose manifests changed since.
  std::string fingerprint;
  // Set when loaded for an environment (--env); the fingerprint then covers
  // the environment file too.
  std::optional<Environment> environment;
};

}  // namespace flowlink::manifest
