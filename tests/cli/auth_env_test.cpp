// The org commands configured the way CX as Code users already have their CI
// set up: GENESYSCLOUD_ACCESS_TOKEN instead of an OAuth client, region names
// in either form, HTTPS_PROXY / NO_PROXY. Real program code, the real
// emulator, and a real relaying proxy on loopback.

#include <doctest/doctest.h>

#include <string>

#include "cli/org_cli_support.hpp"
#include "genesys/forwarding_proxy.hpp"
#include "support/emulator_control.hpp"

using namespace flowlink::cli::test;
using flowlink::genesys::testing::ForwardingProxy;
using flowlink::testing::OrgFixture;

namespace {

constexpr const char* kAccessTokenVar = "GENESYSCLOUD_ACCESS_TOKEN";

// A token the emulator issued to the fixture's client, fetched as a CI step
// would (the form POST of the client-credentials grant).
std::string issued_token(int port) {
  const auto answer = flowlink::testing::http_call(port, "POST", "/oauth/token",
                                                   std::string("grant_type=client_credentials&client_id=") +
                                                       OrgFixture::kClientId + "&client_secret=" + OrgFixture::kSecret,
                                                   "application/x-www-form-urlencoded");
  REQUIRE(answer.status == 200);
  return answer.json().at("access_token").get<std::string>();
}

int token_requests(CliOrg& cli) { return cli.org.control->requests().at("by_endpoint").value("POST /oauth/token", 0); }

}  // namespace

TEST_CASE("GENESYSCLOUD_ACCESS_TOKEN is used as given, without an OAuth client, and never shown") {
  CliOrg cli("access-token");
  const std::string token = issued_token(cli.org.emulator->port());
  const int before = token_requests(cli);
  {
    ScopedEnv env{{kClientIdVar, nullptr}, {kClientSecretVar, nullptr}, {kAccessTokenVar, token.c_str()}};
    const Run run = cli.plan();
    INFO(run.err);
    CHECK(run.code == 0);
    CHECK(run.out.find("Plan: ") != std::string::npos);
    CHECK(run.both().find(token) == std::string::npos);
  }
  CHECK(token_requests(cli) == before);  // flowlink asked for no token of its own

  ScopedEnv env{{kClientIdVar, nullptr}, {kClientSecretVar, nullptr}, {kAccessTokenVar, "never-issued-token-5e0b"}};
  const Run refused = cli.plan();
  CHECK(refused.code == 1);
  CHECK(refused.err.find("GENESYSCLOUD_ACCESS_TOKEN") != std::string::npos);
  CHECK(refused.both().find("never-issued-token-5e0b") == std::string::npos);
}

TEST_CASE("without an OAuth client or an access token, the error names both ways") {
  TempDir dir;
  ScopedEnv env{{kClientIdVar, nullptr}, {kClientSecretVar, nullptr}, {kAccessTokenVar, nullptr}};
  const Run run = run_flowlink({"plan", "-f", kManifests, "--api-url", "http://127.0.0.1:9"});
  CHECK(run.code == 1);
  CHECK(run.err.find("GENESYSCLOUD_OAUTHCLIENT_ID") != std::string::npos);
  CHECK(run.err.find("GENESYSCLOUD_ACCESS_TOKEN") != std::string::npos);
}

TEST_CASE("a region in neither form is refused with the nearest name, before anything is sent") {
  ScopedEnv env{{kClientIdVar, "someone"}, {kClientSecretVar, "secret-a1b2"}, {kRegionVar, "eu-west-9"}};
  const Run run = run_flowlink({"plan", "-f", kManifests});
  CHECK(run.code == 1);
  CHECK(run.err.find("did you mean 'eu-west-1'?") != std::string::npos);
}

TEST_CASE("HTTPS_PROXY carries the requests (loopback only with FLOWLINK_PROXY_LOOPBACK=1), NO_PROXY bypasses it") {
  CliOrg cli("proxy");
  ForwardingProxy proxy(cli.org.emulator->port());
  const std::string proxy_url = "http://ci:proxy-secret-0c4d@127.0.0.1:" + std::to_string(proxy.port());
  ScopedEnv env{{"HTTPS_PROXY", proxy_url.c_str()}, {"https_proxy", nullptr}, {"NO_PROXY", nullptr},
                {"no_proxy", nullptr}, {"FLOWLINK_PROXY_LOOPBACK", nullptr}};

  CHECK(cli.plan().code == 0);  // the emulator is loopback: reached directly
  CHECK(proxy.received().empty());

  {
    ScopedEnv loopback{{"FLOWLINK_PROXY_LOOPBACK", "1"}};
    const Run run = cli.plan();
    CHECK(run.code == 0);
    CHECK(run.both().find("proxy-secret-0c4d") == std::string::npos);
  }
  const std::string through = proxy.received();
  CHECK(through.find("GET " + cli.url() + "/api/v2/flows") != std::string::npos);
  CHECK(through.find("Proxy-Authorization: Basic ") != std::string::npos);

  {
    ScopedEnv bypass{{"FLOWLINK_PROXY_LOOPBACK", "1"}, {"NO_PROXY", "localhost,127.0.0.1"}};
    CHECK(cli.plan().code == 0);
  }
  CHECK(proxy.received().size() == through.size());  // nothing more went through it
}
