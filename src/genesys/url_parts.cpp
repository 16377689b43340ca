#include "genesys/url_parts.hpp"

#include <string_view>

#include "util/ascii.hpp"

namespace flowlink::genesys {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Where the authority ("user:pw@host:port") starts and ends.
std::pair<std::size_t, std::size_t> authority_span(const std::string& url) {
  const auto scheme = url.find("://");
  const std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto end = url.find_first_of("/?#", start);
  return {start, end == std::string::npos ? url.size() : end};
}

}  // namespace

std::string url_host(const std::string& url) {
  const auto [start, end] = authority_span(url);
  std::string host_port = util::ascii_lower(url.substr(start, end - start));
  if (auto at = host_port.rfind('@'); at != std::string::npos) host_port = host_port.substr(at + 1);
  if (starts_with(host_port, "[")) {
    const auto close = host_port.find(']');
    return close == std::string::npos ? host_port : host_port.substr(0, close + 1);
  }
  return host_port.substr(0, host_port.find(':'));
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "[::1]" || host == "::1") return true;
  // 127.0.0.0/8: four dotted decimal parts, the first 127.
  if (!starts_with(host, "127.")) return false;
  int parts = 0;
  std::size_t start = 0;
  while (start <= host.size()) {
    const std::size_t dot = host.find('.', start);
    const std::string part = host.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty() || part.size() > 3 || !util::is_digits(part) || std::stoi(part) > 255) return false;
    ++parts;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

std::string url_without_credentials(const std::string& url) {
  const auto [start, end] = authority_span(url);
  const auto at = url.rfind('@', end == 0 ? 0 : end - 1);
  if (at == std::string::npos || at < start || at >= end) return url;
  return url.substr(0, start) + "***" + url.substr(at);
}

}  // namespace flowlink::genesys
