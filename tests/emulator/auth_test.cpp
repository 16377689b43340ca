// OAuth client credentials and bearer tokens.
#include <doctest/doctest.h>

#include <thread>

#include "support.hpp"

using namespace emutest;
using flowlink::emulator::Emulator;

TEST_CASE("a client logs in with client credentials and uses the token") {
  TempDir dir;
  auto options = options_for(dir.path / "state");
  options.clients = {{"app-1", "s3cret", "App One"}};
  Emulator emulator(options);
  emulator.start();
  Client client(emulator.base_url());

  Reply token = client.token_request("app-1", "s3cret");
  REQUIRE(token.status == 200);
  Json body = token.json();
  CHECK(body["token_type"] == "bearer");
  CHECK(body["expires_in"].get<long>() == 86400);
  CHECK(body.size() == 3);
  client.token = body["access_token"].get<std::string>();

  Reply flows = client.api("GET", "/api/v2/flows");
  CHECK(flows.status == 200);
  CHECK(!flows.header("inin-correlation-id").empty());

  SUBCASE("a wrong secret answers 401 invalid_client, OAuth-shaped") {
    Reply bad = client.token_request("app-1", "wrong");
    CHECK(bad.status == 401);
    Json error = bad.json();
    CHECK(error["error"] == "invalid_client");
    CHECK(error.contains("description"));
    CHECK(error.contains("error_description"));
    CHECK(client.token_request("nobody", "s3cret").status == 401);
  }
  SUBCASE("an unsupported grant answers 400") {
    Reply bad = client.token_request("app-1", "s3cret", "password");
    CHECK(bad.status == 400);
    CHECK(bad.json()["error"] == "unsupported_grant_type");
  }
  SUBCASE("a missing or forged token answers 401 with an ErrorBody") {
    Reply none = client.call("GET", "/api/v2/flows");
    CHECK(none.status == 401);
    CHECK(none.json()["status"] == 401);
    CHECK(none.json()["code"] == "authentication.required");
    CHECK(!none.json()["contextId"].get<std::string>().empty());
    std::string forged = client.token;
    forged[forged.size() - 1] = forged.back() == 'a' ? 'b' : 'a';
    Reply bad = client.call("GET", "/api/v2/flows", "", {{"Authorization", "Bearer " + forged}});
    CHECK(bad.status == 401);
    CHECK(bad.json()["code"] == "bad.credentials");
  }
}

TEST_CASE("tokens expire after the configured TTL") {
  TempDir dir;
  auto options = options_for(dir.path / "state");
  options.token_ttl = std::chrono::seconds(1);
  Emulator emulator(options);
  emulator.start();
  Client client(emulator.base_url());
  client.login();
  CHECK(client.api("GET", "/api/v2/flows").status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  Reply expired = client.api("GET", "/api/v2/flows");
  CHECK(expired.status == 401);
  CHECK(expired.json()["message"].get<std::string>().find("expired") != std::string::npos);
}

TEST_CASE("a token stays valid across a restart on the same state") {
  TempDir dir;
  std::string token;
  {
    Emulator emulator(options_for(dir.path / "state"));
    emulator.start();
    Client client(emulator.base_url());
    client.login();
    token = client.token;
  }
  Emulator emulator(options_for(dir.path / "state"));
  emulator.start();
  Client client(emulator.base_url());
  client.token = token;
  CHECK(client.api("GET", "/api/v2/flows").status == 200);
}
