// Region names -> API and login hosts, and the rule that plain http is only
// for loopback (the emulator); everything else must be https, verified.

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>

#include "genesys/flow_api.hpp"
#include "util/ascii.hpp"

namespace flowlink::genesys {
namespace {

// From genesys-api.md ("Hosts and authentication"); the API host is
// "api." + region, the login host "login." + region.
constexpr std::array<std::string_view, 17> known_regions = {
    "mypurecloud.com",  "mypurecloud.ie",  "mypurecloud.de",  "mypurecloud.jp", "mypurecloud.com.au",
    "usw2.pure.cloud",  "cac1.pure.cloud", "euw2.pure.cloud", "aps1.pure.cloud", "apne2.pure.cloud",
    "apne3.pure.cloud", "sae1.pure.cloud", "mec1.pure.cloud", "euc2.pure.cloud", "mxc1.pure.cloud",
    "apse1.pure.cloud", "use2.us-gov-pure.cloud"};

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "[::1]") return true;
  // 127.0.0.0/8: four dotted decimal parts, the first 127.
  if (!starts_with(host, "127.")) return false;
  int parts = 0;
  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t dot = host.find('.', start);
    std::string part = host.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), ::isdigit) || std::stoi(part) > 255)
      return false;
    ++parts;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

// The URL as it may be shown: "user:password@" becomes "***@".
std::string shown(const std::string& url) {
  auto scheme = url.find("://");
  std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  auto end = url.find_first_of("/?#", start);
  auto at = url.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < start) return url;
  return url.substr(0, start) + "***" + url.substr(at);
}

}  // namespace

std::pair<std::string, std::string> region_urls(const std::string& region_text) {
  std::string region = util::ascii_lower(region_text);
  while (!region.empty() && (region.back() == '/' || region.back() == '.')) region.pop_back();
  if (starts_with(region, "https://")) region = region.substr(8);
  if (starts_with(region, "api.")) region = region.substr(4);
  else if (starts_with(region, "login.")) region = region.substr(6);
  if (std::find(known_regions.begin(), known_regions.end(), region) == known_regions.end()) {
    std::string known;
    for (auto name : known_regions) {
      if (!known.empty()) known += ", ";
      known += name;
    }
    throw std::invalid_argument("unknown Genesys Cloud region \"" + region_text + "\"; known regions: " + known);
  }
  return {"https://api." + region, "https://login." + region};
}

void check_api_url(const std::string& url) {
  std::string lowered = util::ascii_lower(url);
  if (starts_with(lowered, "https://")) {
    if (lowered.size() == 8) throw std::invalid_argument("API URL \"" + shown(url) + "\" has no host");
    return;
  }
  if (!starts_with(lowered, "http://"))
    throw std::invalid_argument("API URL \"" + shown(url) + "\" must start with https:// (or http:// for loopback)");
  std::string rest = lowered.substr(7);
  std::string host_port = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = host_port.rfind('@'); at != std::string::npos) host_port = host_port.substr(at + 1);
  std::string host;
  if (starts_with(host_port, "[")) {
    host = host_port.substr(0, host_port.find(']') == std::string::npos ? std::string::npos : host_port.find(']') + 1);
  } else {
    host = host_port.substr(0, host_port.find(':'));
  }
  if (!is_loopback_host(host))
    throw std::invalid_argument("API URL \"" + shown(url) +
                                "\" uses plain http to a host that is not loopback; use https:// (plain http is "
                                "only allowed to 127.0.0.0/8, localhost or [::1], e.g. the emulator)");
}

}  // namespace flowlink::genesys
