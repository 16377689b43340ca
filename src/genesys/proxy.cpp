#include "genesys/proxy.hpp"

#include <stdexcept>
#include <string_view>

#include "genesys/url_parts.hpp"
#include "util/ascii.hpp"

namespace flowlink::genesys {

namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// One NO_PROXY entry against a host, both lower case.
bool entry_names(std::string entry, const std::string& host) {
  if (entry == "*") return true;
  if (entry.rfind("*.", 0) == 0) entry.erase(0, 1);  // "*.example.com" -> ".example.com"
  if (!entry.empty() && entry.front() == '[') {       // "[::1]:8080" -> "[::1]"
    entry = entry.substr(0, entry.find(']') + 1);
  } else if (entry.find(':') == entry.rfind(':')) {   // "host:8443" -> "host"; a bare IPv6 address stays
    entry = entry.substr(0, entry.find(':'));
  }
  if (entry.empty()) return false;
  const std::string bare_host = host.size() > 2 && host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  if (entry.front() == '.') return ends_with(host, entry) || host == entry.substr(1);
  return host == entry || bare_host == entry || ends_with(host, "." + entry);
}

}  // namespace

std::string proxy_for(const std::string& target_url, const ProxySettings& settings) {
  if (settings.url.empty()) return "";
  const std::string host = url_host(target_url);
  if (is_loopback_host(host) && !settings.loopback) return "";
  const std::string list = util::ascii_lower(settings.no_proxy);
  for (std::size_t start = 0; start <= list.size();) {
    const auto comma = list.find(',', start);
    const auto entry = trimmed(std::string_view(list).substr(start, comma == std::string::npos ? std::string::npos
                                                                                               : comma - start));
    if (!entry.empty() && entry_names(std::string(entry), host)) return "";
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return settings.url;
}

std::string checked_proxy_url(const std::string& given) {
  const std::string url = given.find("://") == std::string::npos ? "http://" + given : given;
  if (util::ascii_lower(url).rfind("http://", 0) != 0)
    throw std::invalid_argument("proxy URL \"" + url_without_credentials(url) +
                                "\" (HTTPS_PROXY) must start with http:// (an HTTP proxy; https targets go through "
                                "it with CONNECT)");
  if (url_host(url).empty())
    throw std::invalid_argument("proxy URL \"" + url_without_credentials(url) + "\" (HTTPS_PROXY) has no host");
  return url;
}

}  // namespace flowlink::genesys
