// GET /api/v2/organizations/me: which org a token belongs to. Genesys's
// Terraform provider calls it at start, and flowlink records the org id in a
// plan so that a plan made against one org is not applied to another.
//
// Identity: the org's id is made once per state dir and kept there
// (organization.json), so a restarted emulator on the same state is the same
// org and two state dirs are two orgs, as two Genesys orgs never share an id.
// The name is configuration (EmulatorOptions::org_name, --org-name), read at
// every start like the clients and limits are.
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "emulator/org_store.hpp"
#include "emulator/service.hpp"
#include "util/ascii.hpp"
#include "util/atomic_file.hpp"

namespace flowlink::emulator {

namespace fs = std::filesystem;

namespace {

constexpr const char* kIdentityFile = "organization.json";

// The org's short name as Genesys shows it in `domain` and `thirdPartyOrgName`
// (lowercase letters, digits and dashes), derived from the display name.
std::string short_name(const std::string& name) {
  std::string out;
  for (char c : util::ascii_lower(name)) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "emulated-org" : out;
}

// Models.Organization, as the SDK's index.d.ts declares it ("version" is the
// one property it marks required). Values a real org would have; features,
// defaultSiteId and the third-party URIs are left out, as they say nothing
// about flows.
Json organization_json(const OrgIdentity& org) {
  const std::string domain = short_name(org.name);
  Json out = Json::object();
  out["id"] = org.id;
  out["name"] = org.name;
  out["defaultLanguage"] = "en-us";
  out["defaultCountryCode"] = "US";
  out["thirdPartyOrgName"] = domain;
  out["domain"] = domain;
  out["version"] = 1;
  out["state"] = "active";
  out["voicemailEnabled"] = true;
  out["productPlatform"] = "PureCloud";
  out["selfUri"] = "/api/v2/organizations/" + org.id;
  return out;
}

Response get_organization_me(Service& service, Request&) {
  return Response::json(200, organization_json(service.identity()));
}

}  // namespace

OrgIdentity open_org_identity(const fs::path& state_dir, const std::string& name) {
  OrgIdentity org;
  org.name = name.empty() ? "flowlink emulated org" : name;
  const fs::path path = state_dir / kIdentityFile;
  if (fs::exists(path)) {
    // An unreadable identity is an error, not a reason to become another org:
    // a client that recorded the old id would be told it talks to a stranger.
    const Json disk = Json::parse(read_file(path), nullptr, false);
    if (disk.is_discarded() || !disk.is_object() || !disk.contains("id") || !disk["id"].is_string() ||
        disk["id"].get<std::string>().empty())
      throw std::runtime_error(fmt::format("state file '{}' holds no org id", path.string()));
    org.id = disk["id"].get<std::string>();
    return org;
  }
  org.id = new_uuid();
  fs::create_directories(state_dir);
  util::write_file_atomically(path, Json{{"format", 1}, {"id", org.id}}.dump());
  return org;
}

void register_organization_routes(Service& service) {
  service.add_route("GET", "/api/v2/organizations/me", RouteKind::Api, get_organization_me);
}

}  // namespace flowlink::emulator
