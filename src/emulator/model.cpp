#include "emulator/model.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>

#include <fmt/format.h>

#include "util/ascii.hpp"

namespace flowlink::emulator {

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string iso8601(std::int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(epoch_ms % 1000));
}

std::string new_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48,
                     b & 0xffffffffffffULL);
}

std::string object_type_of(std::string_view flow_type) {
  // Genesys names most flow object types <TYPE>FLOW; workflows are the exception.
  if (flow_type == "WORKFLOW") return "WORKFLOW";
  return std::string(flow_type) + "FLOW";
}

bool is_known_flow_type(std::string_view t) {
  static constexpr std::string_view kTypes[] = {
      "BOT",        "COMMONMODULE",       "DIGITALBOT",          "EMAILSEND",    "INBOUNDCALL",
      "INBOUNDCHAT", "INBOUNDEMAIL",      "INBOUNDSHORTMESSAGE", "INQUEUECALL",  "INQUEUEEMAIL",
      "INQUEUESHORTMESSAGE", "OUTBOUNDCALL", "SECURECALL",        "SPEECH",       "SURVEYINVITE",
      "VOICE",      "VOICEMAIL",          "VOICESURVEY",         "WORKFLOW",     "WORKITEM"};
  return std::find(std::begin(kTypes), std::end(kTypes), t) != std::end(kTypes);
}

const VersionRecord* FlowState::version(int number) const {
  for (const auto& v : versions)
    if (v.number == number) return &v;
  return nullptr;
}

VersionRecord* FlowState::version(int number) {
  for (auto& v : versions)
    if (v.number == number) return &v;
  return nullptr;
}

const VersionRecord* FlowState::version(std::string_view id) const {
  std::string_view digits = id;
  if (auto dot = digits.find('.'); dot != std::string_view::npos) {
    if (digits.substr(dot) != ".0") return nullptr;
    digits = digits.substr(0, dot);
  }
  if (digits.size() > 9 || !util::is_digits(digits)) return nullptr;
  return version(std::stoi(std::string(digits)));
}

std::optional<int> FlowState::latest_number() const {
  if (saved) return saved;
  if (checked_in) return checked_in;
  return published;
}

Json actor_user_json(const Actor& actor) {
  // Models.User: "version" is required by the SDK's typings.
  return Json{{"id", actor.id}, {"name", actor.name}, {"version", 1}, {"selfUri", "/api/v2/users/" + actor.id}};
}

Json actor_client_json(const Actor& actor) {
  return Json{{"id", actor.id}, {"name", actor.name}, {"selfUri", "/api/v2/oauth/clients/" + actor.id}};
}

Json version_json(const FlowState& flow, const VersionRecord& v) {
  const std::string id = v.id();
  const std::string self = "/api/v2/flows/" + flow.id + "/versions/" + id;
  Json out = Json::object();
  out["id"] = id;
  out["name"] = id;
  out["commitVersion"] = id;
  out["configurationVersion"] = id;
  out["type"] = v.type;
  out["secure"] = v.secure;
  out["debug"] = false;
  if (v.created_by.kind == Actor::Kind::User) {
    out["createdBy"] = actor_user_json(v.created_by);
  } else {
    out["createdByClient"] = actor_client_json(v.created_by);
  }
  out["configurationUri"] = self + "/configuration";
  out["dateCreated"] = v.date_created;
  out["dateSaved"] = v.date_created;
  if (v.date_checked_in) out["dateCheckedIn"] = v.date_checked_in;
  if (v.date_published) out["datePublished"] = iso8601(v.date_published);  // a string in the SDK model
  out["generationId"] = std::to_string(v.number);
  out["selfUri"] = self;
  return out;
}

Json operation_json(const OperationRecord& op) {
  Json out = Json::object();
  out["id"] = op.id;
  out["complete"] = op.complete;
  if (op.by.kind == Actor::Kind::User) {
    out["user"] = actor_user_json(op.by);
  } else {
    out["client"] = actor_client_json(op.by);
  }
  if (!op.error_message.empty()) {
    out["errorMessage"] = op.error_message;
    out["errorCode"] = op.error_code;
    out["errorDetails"] = op.error_details;
    out["errorMessageParams"] = Json::object();
  }
  out["actionName"] = op.action_name;
  out["actionStatus"] = op.action_status;
  return out;
}

Json flow_json(const FlowState& flow) {
  Json out = Json::object();
  out["id"] = flow.id;
  out["name"] = flow.name;
  out["division"] = {{"id", kHomeDivisionId},
                     {"name", "Home"},
                     {"selfUri", std::string("/api/v2/authorization/divisions/") + kHomeDivisionId}};
  if (!flow.description.empty()) out["description"] = flow.description;
  out["type"] = flow.type;
  if (flow.lock) {
    if (flow.lock->kind == Actor::Kind::User) {
      out["lockedUser"] = actor_user_json(*flow.lock);
    } else {
      out["lockedClient"] = actor_client_json(*flow.lock);
    }
  }
  out["active"] = flow.active;
  out["system"] = false;
  out["deleted"] = flow.deleted;
  auto put_version = [&](const char* key, const std::optional<int>& number) {
    if (!number) return;
    if (const auto* v = flow.version(*number)) out[key] = version_json(flow, *v);
  };
  put_version("publishedVersion", flow.published);
  put_version("savedVersion", flow.saved);
  put_version("checkedInVersion", flow.checked_in);
  if (flow.published_by) out["publishedBy"] = actor_user_json(*flow.published_by);
  if (flow.operation) out["currentOperation"] = operation_json(*flow.operation);
  Json languages = Json::array();
  for (std::size_t i = 0; i < flow.languages.size(); ++i) {
    languages.push_back({{"language", flow.languages[i]}, {"isDefault", i == 0}});
  }
  out["supportedLanguages"] = languages;
  out["selfUri"] = "/api/v2/flows/" + flow.id;
  return out;
}

void FlowState::finalize() { wire = std::make_shared<const std::string>(flow_json(*this).dump()); }

// ---- disk format -------------------------------------------------------

namespace {
Json actor_to_disk(const Actor& a) {
  return {{"kind", a.kind == Actor::Kind::User ? "user" : "client"}, {"id", a.id}, {"name", a.name}};
}
Actor actor_from_disk(const Json& j) {
  Actor a;
  a.kind = j.value("kind", "client") == "user" ? Actor::Kind::User : Actor::Kind::Client;
  a.id = j.value("id", "");
  a.name = j.value("name", "");
  return a;
}
template <typename T>
void put_optional(Json& out, const char* key, const std::optional<T>& value) {
  if (value) out[key] = *value;
}
}  // namespace

Json flow_to_disk(const FlowState& f) {
  Json out = Json::object();
  out["format"] = 1;
  out["id"] = f.id;
  out["name"] = f.name;
  out["description"] = f.description;
  out["type"] = f.type;
  out["deleted"] = f.deleted;
  out["active"] = f.active;
  if (f.lock) out["lock"] = actor_to_disk(*f.lock);
  out["nextVersion"] = f.next_version;
  put_optional(out, "saved", f.saved);
  put_optional(out, "checkedIn", f.checked_in);
  put_optional(out, "published", f.published);
  if (f.published_by) out["publishedBy"] = actor_to_disk(*f.published_by);
  out["languages"] = f.languages;
  out["dateModified"] = f.date_modified;
  Json versions = Json::array();
  for (const auto& v : f.versions) {
    Json calls = Json::array();
    for (const auto& c : v.calls) calls.push_back({{"id", c.id}, {"name", c.name}});
    Json snapshots = Json::object();
    for (const auto& [module, version] : v.snapshots) snapshots[module] = version;
    versions.push_back({{"number", v.number},
                        {"type", v.type},
                        {"createdBy", actor_to_disk(v.created_by)},
                        {"dateCreated", v.date_created},
                        {"dateCheckedIn", v.date_checked_in},
                        {"datePublished", v.date_published},
                        {"secure", v.secure},
                        {"calls", calls},
                        {"snapshots", snapshots}});
  }
  out["versions"] = versions;
  if (f.operation) {
    const auto& op = *f.operation;
    out["operation"] = {{"id", op.id},
                        {"complete", op.complete},
                        {"by", actor_to_disk(op.by)},
                        {"actionName", op.action_name},
                        {"actionStatus", op.action_status},
                        {"errorMessage", op.error_message},
                        {"errorCode", op.error_code},
                        {"errorDetails", op.error_details},
                        {"targetVersion", op.target_version}};
  }
  return out;
}

FlowState flow_from_disk(const Json& j) {
  FlowState f;
  f.id = j.at("id").get<std::string>();
  f.name = j.value("name", "");
  f.description = j.value("description", "");
  f.type = j.value("type", "");
  f.deleted = j.value("deleted", false);
  f.active = j.value("active", false);
  if (j.contains("lock")) f.lock = actor_from_disk(j["lock"]);
  f.next_version = j.value("nextVersion", 1);
  if (j.contains("saved")) f.saved = j["saved"].get<int>();
  if (j.contains("checkedIn")) f.checked_in = j["checkedIn"].get<int>();
  if (j.contains("published")) f.published = j["published"].get<int>();
  if (j.contains("publishedBy")) f.published_by = actor_from_disk(j["publishedBy"]);
  if (j.contains("languages")) f.languages = j["languages"].get<std::vector<std::string>>();
  f.date_modified = j.value("dateModified", std::int64_t{0});
  for (const auto& jv : j.value("versions", Json::array())) {
    VersionRecord v;
    v.number = jv.at("number").get<int>();
    v.type = jv.value("type", "SAVE");
    v.created_by = actor_from_disk(jv.value("createdBy", Json::object()));
    v.date_created = jv.value("dateCreated", std::int64_t{0});
    v.date_checked_in = jv.value("dateCheckedIn", std::int64_t{0});
    v.date_published = jv.value("datePublished", std::int64_t{0});
    v.secure = jv.value("secure", false);
    for (const auto& c : jv.value("calls", Json::array())) v.calls.push_back({c.value("id", ""), c.value("name", "")});
    const Json snapshots = jv.value("snapshots", Json::object());
    for (const auto& [module, version] : snapshots.items()) v.snapshots[module] = version.get<std::string>();
    f.versions.push_back(std::move(v));
  }
  if (j.contains("operation")) {
    const auto& jo = j["operation"];
    OperationRecord op;
    op.id = jo.value("id", "");
    op.complete = jo.value("complete", true);
    op.by = actor_from_disk(jo.value("by", Json::object()));
    op.action_name = jo.value("actionName", "");
    op.action_status = jo.value("actionStatus", "");
    op.error_message = jo.value("errorMessage", "");
    op.error_code = jo.value("errorCode", "");
    op.error_details = jo.value("errorDetails", Json::array());
    op.target_version = jo.value("targetVersion", 0);
    f.operation = std::move(op);
  }
  return f;
}

}  // namespace flowlink::emulator
