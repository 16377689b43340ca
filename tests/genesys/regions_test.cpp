#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "genesys/flow_api.hpp"

using namespace flowlink::genesys;

TEST_CASE("region_urls maps a region to its API and login hosts") {
  CHECK(region_urls("mypurecloud.com") ==
        std::pair<std::string, std::string>{"https://api.mypurecloud.com", "https://login.mypurecloud.com"});
  CHECK(region_urls("api.mypurecloud.ie") ==
        std::pair<std::string, std::string>{"https://api.mypurecloud.ie", "https://login.mypurecloud.ie"});
  CHECK(region_urls("usw2.pure.cloud").first == "https://api.usw2.pure.cloud");
  CHECK(region_urls("usw2.pure.cloud").second == "https://login.usw2.pure.cloud");
  CHECK(region_urls("use2.us-gov-pure.cloud").first == "https://api.use2.us-gov-pure.cloud");
  CHECK(region_urls("mypurecloud.com.au").second == "https://login.mypurecloud.com.au");
  CHECK(region_urls("MyPureCloud.DE").first == "https://api.mypurecloud.de");
}

TEST_CASE("region_urls takes CX as Code's AWS-style region names for the same hosts") {
  // Every pair as CX as Code (the Genesys Cloud Terraform provider) maps them.
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"us-east-1", "mypurecloud.com"},      {"us-east-2", "use2.us-gov-pure.cloud"}, {"us-west-2", "usw2.pure.cloud"},
      {"ca-central-1", "cac1.pure.cloud"},   {"sa-east-1", "sae1.pure.cloud"},        {"mx-central-1", "mxc1.pure.cloud"},
      {"eu-west-1", "mypurecloud.ie"},       {"eu-west-2", "euw2.pure.cloud"},        {"eu-central-1", "mypurecloud.de"},
      {"eu-central-2", "euc2.pure.cloud"},   {"me-central-1", "mec1.pure.cloud"},     {"ap-south-1", "aps1.pure.cloud"},
      {"ap-northeast-1", "mypurecloud.jp"},  {"ap-northeast-2", "apne2.pure.cloud"},  {"ap-northeast-3", "apne3.pure.cloud"},
      {"ap-southeast-1", "apse1.pure.cloud"}, {"ap-southeast-2", "mypurecloud.com.au"},
  };
  for (const auto& [aws_name, domain] : pairs) {
    INFO(aws_name);
    CHECK(region_urls(aws_name) == region_urls(domain));
    CHECK(region_urls(aws_name).first == "https://api." + domain);
    CHECK(region_urls(aws_name).second == "https://login." + domain);
  }
  CHECK(region_urls("EU-WEST-1").first == "https://api.mypurecloud.ie");
}

TEST_CASE("an unknown region is refused with the nearest name of either form") {
  auto message_for = [](const std::string& region) {
    try {
      region_urls(region);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    FAIL("expected std::invalid_argument for " << region);
    return std::string();
  };
  CHECK(message_for("eu-west-9").find("did you mean 'eu-west-1'?") != std::string::npos);
  CHECK(message_for("us-east1").find("did you mean 'us-east-1'?") != std::string::npos);
  CHECK(message_for("mypurecloud.i").find("did you mean 'mypurecloud.ie'?") != std::string::npos);
  const std::string far = message_for("mars-north-7");
  CHECK(far.find("did you mean") == std::string::npos);
  CHECK(far.find("mypurecloud.ie (eu-west-1)") != std::string::npos);
  // Hostile values are shown escaped and cut, never whole.
  const std::string hostile = message_for("eu\x1b[2Jwest" + std::string(5000, 'x'));
  CHECK(hostile.find('\x1b') == std::string::npos);
  CHECK(hostile.size() < 2000);
}

TEST_CASE("region_urls rejects an unknown region and lists the known ones") {
  try {
    region_urls("mypurecloud.example");
    FAIL("expected std::invalid_argument");
  } catch (const std::invalid_argument& e) {
    std::string text = e.what();
    CHECK(text.find("mypurecloud.example") != std::string::npos);
    CHECK(text.find("mypurecloud.com") != std::string::npos);
    CHECK(text.find("apne2.pure.cloud") != std::string::npos);
  }
  CHECK_THROWS_AS(region_urls(""), std::invalid_argument);
  CHECK_THROWS_AS(region_urls("api.pure.cloud"), std::invalid_argument);
}

TEST_CASE("check_api_url allows https anywhere and plain http only to loopback") {
  CHECK_NOTHROW(check_api_url("https://api.mypurecloud.com"));
  CHECK_NOTHROW(check_api_url("http://127.0.0.1:8080"));
  CHECK_NOTHROW(check_api_url("http://127.1.2.3:9000/"));
  CHECK_NOTHROW(check_api_url("http://localhost:8080"));
  CHECK_NOTHROW(check_api_url("http://[::1]:8080"));
  CHECK_NOTHROW(check_api_url("HTTP://LOCALHOST"));

  CHECK_THROWS_AS(check_api_url("http://api.mypurecloud.com"), std::invalid_argument);
  CHECK_THROWS_AS(check_api_url("http://10.0.0.1:8080"), std::invalid_argument);
  CHECK_THROWS_AS(check_api_url("http://127.0.0.1.evil.example"), std::invalid_argument);
  CHECK_THROWS_AS(check_api_url("http://localhost.evil.example"), std::invalid_argument);
  CHECK_THROWS_AS(check_api_url("http://evil.example@127.0.0.1.example"), std::invalid_argument);
  CHECK_THROWS_AS(check_api_url("http://127.0.0.1@evil.example"), std::invalid_argument);
  CHECK_THROWS_AS(check_api_url("ftp://127.0.0.1"), std::invalid_argument);
  CHECK_THROWS_AS(check_api_url("api.mypurecloud.com"), std::invalid_argument);
  try {
    check_api_url("http://gateway.example.com");
    FAIL("expected std::invalid_argument");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("https") != std::string::npos);
    CHECK(std::string(e.what()).find("gateway.example.com") != std::string::npos);
  }
  try {
    check_api_url("http://user:hunter2@gateway.example.com/api");
    FAIL("expected std::invalid_argument");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("hunter2") == std::string::npos);
    CHECK(std::string(e.what()).find("***@gateway.example.com") != std::string::npos);
  }
}

TEST_CASE("make_http_flow_api refuses plain http to a remote host and a missing secret") {
  ClientOptions options;
  options.api_url = "http://api.mypurecloud.com";
  options.client_id = "id";
  options.client_secret = "secret";
  CHECK_THROWS_AS(make_http_flow_api(options), std::invalid_argument);
  options.api_url = "https://api.mypurecloud.com";
  options.login_url = "http://login.mypurecloud.com";
  CHECK_THROWS_AS(make_http_flow_api(options), std::invalid_argument);
  options.login_url = "";
  options.client_secret = "";
  CHECK_THROWS_AS(make_http_flow_api(options), std::invalid_argument);
  options.client_secret = "secret";
  options.token_pool = 51;
  CHECK_THROWS_AS(make_http_flow_api(options), std::invalid_argument);
  options.token_pool = 1;
  CHECK(make_http_flow_api(options)->client_id() == "id");  // builds; sends nothing yet
}

TEST_CASE("ApiError reads as call, flow, status, code, message and contextId") {
  ApiError error("GET /api/v2/flows/abc/latestconfiguration", "abc", 404, "not.found", "Flow not found", "1234");
  CHECK(std::string(error.what()) ==
        "GET /api/v2/flows/abc/latestconfiguration (flow abc): 404 not.found: Flow not found [contextId 1234]");
  CHECK(error.status() == 404);
  CHECK(error.code() == "not.found");
  CHECK(error.api_message() == "Flow not found");
  CHECK(error.context_id() == "1234");
  ApiError no_answer("GET /api/v2/flows", "", 0, "connection.failed", "refused", "");
  CHECK(std::string(no_answer.what()) == "GET /api/v2/flows: no answer connection.failed: refused");
}
