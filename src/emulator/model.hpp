#pragma once
// The emulated org's data: flows, their versions, locks and operations; how
// they look on the wire (Genesys's Flow, FlowVersion, Operation models, see
// index.d.ts of the official SDK) and on disk.
//
// Version model (as Genesys moves version records):
//   save    -> a new version "N.0" of type SAVE becomes savedVersion
//   checkin -> that version becomes type CHECKIN = checkedInVersion; savedVersion
//              cleared; the flow is unlocked
//   publish -> the checked-in version becomes type PUBLISH = publishedVersion
// Versions are numbered "1.0", "2.0", ... and never renumbered; a reverted
// draft is dropped but its number is not reused.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emulator/http_types.hpp"

namespace flowlink::emulator {

// The Home division every emulated flow lives in.
inline constexpr const char* kHomeDivisionId = "a1b2c3d4-0000-4000-8000-00000000d1e0";

// A CallCommonModuleAction's target.
struct ModuleRef {
  std::string id;
  std::string name;
};

struct VersionRecord {
  int number = 0;
  std::string type;  // SAVE | CHECKIN | PUBLISH
  Actor created_by;
  std::int64_t date_created = 0;     // epoch ms
  std::int64_t date_checked_in = 0;  // 0: never
  std::int64_t date_published = 0;
  bool secure = false;
  std::vector<ModuleRef> calls;                     // distinct modules this version calls
  std::map<std::string, std::string> snapshots;     // published: module id -> module version it took
  std::string id() const { return std::to_string(number) + ".0"; }
};

struct OperationRecord {
  std::string id;
  bool complete = false;
  Actor by;
  std::string action_name;    // CHECKIN | PUBLISH
  std::string action_status;  // STARTED | SUCCESS | FAILURE
  std::string error_message;
  std::string error_code;
  Json error_details = Json::array();
  int target_version = 0;  // PUBLISH: the version being published
};

// One flow. Immutable once shared: a change builds a new FlowState (copy,
// edit, persist, swap), so readers never need more than a pointer copy.
struct FlowState {
  std::string id;
  std::string name;
  std::string description;
  std::string type;  // UPPERCASE: INBOUNDCALL, COMMONMODULE, ...
  bool deleted = false;
  bool active = false;
  std::optional<Actor> lock;
  std::vector<VersionRecord> versions;  // ascending by number
  int next_version = 1;
  std::optional<int> saved;       // version numbers
  std::optional<int> checked_in;
  std::optional<int> published;
  std::optional<Actor> published_by;
  std::optional<OperationRecord> operation;
  std::vector<std::string> languages;  // from the latest document's supportedLanguages
  std::int64_t date_modified = 0;

  // Caches, rebuilt by finalize(): the latest configuration text (latest
  // saved draft, else the checked-in/published one) and the Flow JSON.
  std::shared_ptr<const std::string> latest_config;
  std::shared_ptr<const std::string> wire;

  const VersionRecord* version(int number) const;
  VersionRecord* version(int number);
  const VersionRecord* version(std::string_view id) const;  // "2.0" or "2"
  // The version latestconfiguration serves: saved, else checked-in, else published.
  std::optional<int> latest_number() const;
  void finalize();  // recompute `wire`
};

std::int64_t now_ms();
std::string iso8601(std::int64_t epoch_ms);
std::string new_uuid();

// The emulator's own Genesys vocabulary. flowlink's code speaks Genesys
// through genesys/vocabulary.hpp; the emulator, the independent judge of what
// flowlink sends, keeps its own copies of the facts it judges by (the flow
// types it accepts, what counts as a common module, object types), written
// from the reference (shared/reference/genesys-api.md) rather than shared:
// a wrong fact in flowlink's vocabulary then shows as a disagreement in the
// tests instead of being agreed on by both sides. Types are UPPERCASE here,
// as on the wire.
inline constexpr const char* kCommonModuleType = "COMMONMODULE";
inline constexpr const char* kCommonModuleObjectType = "COMMONMODULEFLOW";
// Flow type -> dependency tracking object type (COMMONMODULE -> COMMONMODULEFLOW ...).
std::string object_type_of(std::string_view flow_type);
bool is_known_flow_type(std::string_view upper_type);

// Wire format.
Json actor_user_json(const Actor& actor);    // Models.User
Json actor_client_json(const Actor& actor);  // Models.DomainEntityRef
Json version_json(const FlowState& flow, const VersionRecord& version);  // Models.FlowVersion
Json operation_json(const OperationRecord& operation);                   // Models.Operation
Json flow_json(const FlowState& flow);                                   // Models.Flow

// Disk format (state/flows/<id>/flow.json). Configurations live beside it.
Json flow_to_disk(const FlowState& flow);
FlowState flow_from_disk(const Json& json);  // caches not filled

}  // namespace flowlink::emulator
