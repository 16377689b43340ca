// Authentication and network the way the Genesys ecosystem sets them: an
// access token given as is (GENESYSCLOUD_ACCESS_TOKEN), and HTTPS_PROXY /
// NO_PROXY, against the real emulator and a real relaying proxy on loopback.

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "genesys/emulated_org.hpp"
#include "genesys/forwarding_proxy.hpp"
#include "genesys/proxy.hpp"

using namespace flowlink::genesys;
using namespace flowlink::genesys::testing;

namespace {

// A token the emulator issued, fetched the way a CI step would (a form POST).
std::string issued_token(int port) {
  const auto answer = flowlink::testing::http_call(
      port, "POST", "/oauth/token",
      "grant_type=client_credentials&client_id=" + kClientId + "&client_secret=" + kClientSecret,
      "application/x-www-form-urlencoded");
  REQUIRE(answer.status == 200);
  return answer.json().at("access_token").get<std::string>();
}

ClientOptions token_options(const EmulatedOrg& org, const std::string& token) {
  ClientOptions options = org.client_options();
  options.client_id.clear();
  options.client_secret.clear();
  options.access_token = token;
  options.max_retries = 0;
  return options;
}

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::exception& e) {
    return e.what();
  }
  FAIL("expected an error");
  return "";
}

}  // namespace

TEST_CASE("an access token is used as given: no client-credentials grant") {
  EmulatedOrg org;
  const std::string token = issued_token(org.port());
  auto api = make_http_flow_api(token_options(org, token));
  CHECK(api->list_flows({}).size() == 3);
  CHECK(api->stats().token_requests == 0);
  CHECK(endpoint_count(org.port(), "POST /oauth/token") == 1);  // the test's own, none from flowlink
}

TEST_CASE("an access token the org does not know is a 401 naming the variable, never the token") {
  EmulatedOrg org;
  const std::string token = "not-a-token-the-emulator-issued-7f3a";
  auto api = make_http_flow_api(token_options(org, token));
  const std::string message = error_of([&] { api->list_flows({}); });
  CHECK(message.find("401") != std::string::npos);
  CHECK(message.find("GENESYSCLOUD_ACCESS_TOKEN") != std::string::npos);
  CHECK(message.find(token) == std::string::npos);
  CHECK(api->stats().token_requests == 0);
}

TEST_CASE("an access token with CR, LF, spaces or controls is refused before anything is sent") {
  EmulatedOrg org;
  const std::vector<std::string> tokens = {"abc\r\nX-Injected: 1", "abc def", std::string("abc\0def", 7),
                                           "abc" + std::string(9000, 'a')};
  for (const std::string& token : tokens) {
    const std::string message = error_of([&] { make_http_flow_api(token_options(org, token)); });
    CHECK(message.find("GENESYSCLOUD_ACCESS_TOKEN") != std::string::npos);
    CHECK(message.find("abc") == std::string::npos);
  }
  CHECK(endpoint_count(org.port(), "GET /api/v2/flows") == 0);
}

TEST_CASE("proxy_for: HTTPS_PROXY for every host but NO_PROXY's and loopback") {
  ProxySettings settings{"http://proxy.corp:3128", "", false};
  CHECK(proxy_for("https://api.mypurecloud.ie", settings) == "http://proxy.corp:3128");
  CHECK(proxy_for("https://login.mypurecloud.ie/oauth/token", settings) == "http://proxy.corp:3128");
  CHECK(proxy_for("http://127.0.0.1:8080", settings).empty());
  CHECK(proxy_for("http://localhost:8080", settings).empty());
  CHECK(proxy_for("http://[::1]:8080", settings).empty());
  settings.no_proxy = "internal.example, .mypurecloud.ie";
  CHECK(proxy_for("https://api.mypurecloud.ie", settings).empty());
  CHECK(proxy_for("https://api.mypurecloud.de", settings) == "http://proxy.corp:3128");
  settings.no_proxy = "MyPureCloud.ie:443";  // a domain, with a port that is ignored, any case
  CHECK(proxy_for("https://api.mypurecloud.ie", settings).empty());
  CHECK(proxy_for("https://api.notmypurecloud.ie", settings) == "http://proxy.corp:3128");
  settings.no_proxy = "*.pure.cloud";
  CHECK(proxy_for("https://api.usw2.pure.cloud", settings).empty());
  settings.no_proxy = "*";
  CHECK(proxy_for("https://api.mypurecloud.com", settings).empty());
  settings = ProxySettings{"", "", false};
  CHECK(proxy_for("https://api.mypurecloud.com", settings).empty());
  settings = ProxySettings{"http://proxy.corp:3128", "", true};  // loopback only when asked for
  CHECK(proxy_for("http://127.0.0.1:8080", settings) == "http://proxy.corp:3128");
}

TEST_CASE("checked_proxy_url adds http://, refuses other schemes and never shows credentials") {
  CHECK(checked_proxy_url("proxy.corp:3128") == "http://proxy.corp:3128");
  CHECK(checked_proxy_url("http://u:p@proxy.corp:3128") == "http://u:p@proxy.corp:3128");
  const std::string message = error_of([] { checked_proxy_url("socks5://alice:pw-4d1e@proxy.corp:1080"); });
  CHECK(message.find("http://") != std::string::npos);
  CHECK(message.find("pw-4d1e") == std::string::npos);
  CHECK(message.find("socks5://***@proxy.corp:1080") != std::string::npos);

  ClientOptions options;
  std::tie(options.api_url, options.login_url) = region_urls("mypurecloud.ie");
  options.access_token = "token-for-the-proxy-test";
  options.proxy.url = "http://alice:pw-9f9f@bad host:31x";
  const std::string invalid = error_of([&] { make_http_flow_api(options); });
  CHECK(invalid.find("not a valid URL") != std::string::npos);
  CHECK(invalid.find("pw-9f9f") == std::string::npos);
}

TEST_CASE("requests to a region go through HTTPS_PROXY: a closed proxy port is named in the error") {
  const int closed = ForwardingProxy::closed_port();
  ClientOptions options;
  std::tie(options.api_url, options.login_url) = region_urls("eu-west-1");
  options.access_token = "token-for-the-proxy-test";
  options.max_retries = 0;
  options.timeout = std::chrono::milliseconds(5000);
  options.proxy.url = "http://ci-user:proxy-pass-91c2@127.0.0.1:" + std::to_string(closed);
  const std::string through = error_of([&] { make_http_flow_api(options)->organization(); });
  INFO(through);
  CHECK(through.find("through the proxy http://***@127.0.0.1:" + std::to_string(closed)) != std::string::npos);
  CHECK(through.find("proxy-pass-91c2") == std::string::npos);
  CHECK(through.find("token-for-the-proxy-test") == std::string::npos);

  // NO_PROXY naming the region's domain: the request goes direct (and fails
  // or not, depending on this machine's network, without the proxy).
  options.proxy.no_proxy = "mypurecloud.ie";
  const std::string direct = error_of([&] { make_http_flow_api(options)->organization(); });
  INFO(direct);
  CHECK(direct.find("proxy") == std::string::npos);
}

TEST_CASE("loopback is reached directly despite HTTPS_PROXY, and through it only when asked for") {
  EmulatedOrg org;
  ForwardingProxy proxy(org.port());
  ClientOptions options = org.client_options();
  options.proxy.url = "http://ci-user:proxy-pass-91c2@127.0.0.1:" + std::to_string(proxy.port());
  {
    auto api = make_http_flow_api(options);
    CHECK(api->list_flows({}).size() == 3);
  }
  CHECK(proxy.received().empty());

  options.proxy.loopback = true;
  {
    auto api = make_http_flow_api(options);
    CHECK(api->list_flows({}).size() == 3);
  }
  const std::string sent = proxy.received();
  // A proxy request: the absolute URI, and the credentials for the proxy
  // (ci-user:proxy-pass-91c2, Basic) in Proxy-Authorization.
  CHECK(sent.find("POST http://127.0.0.1:" + std::to_string(org.port()) + "/oauth/token HTTP/1.1") !=
        std::string::npos);
  CHECK(sent.find("GET http://127.0.0.1:" + std::to_string(org.port()) + "/api/v2/flows") != std::string::npos);
  CHECK(sent.find("Proxy-Authorization: Basic Y2ktdXNlcjpwcm94eS1wYXNzLTkxYzI=") != std::string::npos);
}
