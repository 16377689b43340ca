#pragma once
// The pieces of a URL the client needs to judge (host, loopback or not) and
// the one way a URL is shown in messages: credentials in it become "***".

#include <string>

namespace flowlink::genesys {

// "api.mypurecloud.com" from "https://user:pw@API.mypurecloud.com:443/x",
// lower-cased; "[::1]" keeps its brackets. "" when there is no host.
std::string url_host(const std::string& url);

// 127.0.0.0/8 (four dotted decimal parts), "localhost" or "[::1]"/"::1".
bool is_loopback_host(const std::string& host);

// The URL as it may be shown: "scheme://user:password@host" becomes
// "scheme://***@host"; a URL without credentials is returned as is.
std::string url_without_credentials(const std::string& url);

}  // namespace flowlink::genesys
