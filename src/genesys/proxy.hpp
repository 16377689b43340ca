#pragma once
// Which requests go through an HTTP proxy: the rules of HTTPS_PROXY and
// NO_PROXY as curl and Go read them, decided here (pure) and applied by
// HttpWire. Loopback (the emulator) is never proxied unless asked for
// explicitly, so a CI runner's proxy settings do not break local tests.

#include <string>

namespace flowlink::genesys {

struct ProxySettings {
  std::string url;        // HTTPS_PROXY: "http://[user:password@]host:port"; "" = no proxy
  std::string no_proxy;   // NO_PROXY: "a.example, .b.example, host:8443, *"
  bool loopback = false;  // proxy loopback hosts too (FLOWLINK_PROXY_LOOPBACK=1)
};

// The proxy URL for a request to `target_url`, or "" to go direct:
// no proxy set; the target is loopback (unless settings.loopback); or NO_PROXY
// names it ("*" for every host; "example.com" and ".example.com" for it and
// its subdomains; a port after the name is ignored).
std::string proxy_for(const std::string& target_url, const ProxySettings& settings);

// The proxy URL as the client uses it: "host:port" (no scheme, as curl
// allows) becomes "http://host:port". Throws std::invalid_argument for one
// flowlink cannot use: another scheme (cpprestsdk speaks plain HTTP to a
// proxy, CONNECT for https targets) or no host; the message shows the URL
// without its credentials.
std::string checked_proxy_url(const std::string& url);

}  // namespace flowlink::genesys
