// Region names (either form) -> API and login hosts, and the rule that plain http is only
// for loopback (the emulator); everything else must be https, verified.

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "genesys/flow_api.hpp"
#include "genesys/url_parts.hpp"
#include "manifest/suggestions.hpp"
#include "util/ascii.hpp"
#include "util/terminal_text.hpp"

namespace flowlink::genesys {
namespace {

// The one table of Genesys Cloud regions. Domains from genesys-api.md ("Hosts
// and authentication"): the API host is "api." + domain, the login host
// "login." + domain. The AWS-style names are those CX as Code (the Genesys
// Cloud Terraform provider) takes in aws_region / GENESYSCLOUD_REGION:
// genesys-api.md ("Region names as the ecosystem writes them") and, for
// mx-central-1 and ap-southeast-1 too, getRegionMap() in the provider's
// source (MyPureCloud/terraform-provider-genesyscloud, genesyscloud/provider).
struct Region {
  std::string_view domain;
  std::string_view aws_name;
};
constexpr std::array<Region, 17> known_regions = {{
    {"mypurecloud.com", "us-east-1"},      {"use2.us-gov-pure.cloud", "us-east-2"}, {"usw2.pure.cloud", "us-west-2"},
    {"cac1.pure.cloud", "ca-central-1"},   {"sae1.pure.cloud", "sa-east-1"},        {"mxc1.pure.cloud", "mx-central-1"},
    {"mypurecloud.ie", "eu-west-1"},       {"euw2.pure.cloud", "eu-west-2"},        {"mypurecloud.de", "eu-central-1"},
    {"euc2.pure.cloud", "eu-central-2"},   {"mec1.pure.cloud", "me-central-1"},     {"aps1.pure.cloud", "ap-south-1"},
    {"mypurecloud.jp", "ap-northeast-1"},  {"apne2.pure.cloud", "ap-northeast-2"},  {"apne3.pure.cloud", "ap-northeast-3"},
    {"apse1.pure.cloud", "ap-southeast-1"}, {"mypurecloud.com.au", "ap-southeast-2"},
}};

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

}  // namespace

std::pair<std::string, std::string> region_urls(const std::string& region_text) {
  std::string region = util::ascii_lower(region_text);
  while (!region.empty() && (region.back() == '/' || region.back() == '.')) region.pop_back();
  if (starts_with(region, "https://")) region = region.substr(8);
  if (starts_with(region, "api.")) region = region.substr(4);
  else if (starts_with(region, "login.")) region = region.substr(6);
  for (const Region& known : known_regions) {
    if (region == known.domain || region == known.aws_name) {
      const std::string domain(known.domain);
      return {"https://api." + domain, "https://login." + domain};
    }
  }
  std::vector<std::string> names;
  for (const Region& known : known_regions) {
    names.emplace_back(known.domain);
    names.emplace_back(known.aws_name);
  }
  // A region is a short name; a longer value is shown cut, not echoed whole.
  const std::string_view shown_region = std::string_view(region_text).substr(0, 100);
  std::string message = "unknown Genesys Cloud region \"" + util::terminal_safe(shown_region) +
                        (region_text.size() > shown_region.size() ? "…" : "") + "\";";
  if (auto suggestion = manifest::closest(region, names)) message += " did you mean '" + *suggestion + "'?";
  message += " known regions (domain or CX as Code name): ";
  for (std::size_t i = 0; i < known_regions.size(); ++i) {
    if (i != 0) message += ", ";
    message += std::string(known_regions[i].domain) + " (" + std::string(known_regions[i].aws_name) + ")";
  }
  throw std::invalid_argument(message);
}

void check_api_url(const std::string& url) {
  const std::string lowered = util::ascii_lower(url);
  const std::string shown = url_without_credentials(url);
  if (starts_with(lowered, "https://")) {
    if (lowered.size() == 8) throw std::invalid_argument("API URL \"" + shown + "\" has no host");
    return;
  }
  if (!starts_with(lowered, "http://"))
    throw std::invalid_argument("API URL \"" + shown + "\" must start with https:// (or http:// for loopback)");
  if (!is_loopback_host(url_host(url)))
    throw std::invalid_argument("API URL \"" + shown +
                                "\" uses plain http to a host that is not loopback; use https:// (plain http is "
                                "only allowed to 127.0.0.0/8, localhost or [::1], e.g. the emulator)");
}

}  // namespace flowlink::genesys
