// Tokens, retries and secrecy against the real emulator: expiry and
// revocation, a pool of tokens, 429s, injected 5xx and dropped connections,
// an exhausted retry budget, and error text free of secrets and tokens.

#include <doctest/doctest.h>

#include <regex>
#include <thread>

#include "genesys/emulated_org.hpp"
#include "genesys/retry_policy.hpp"

using namespace flowlink::genesys;
using namespace flowlink::genesys::testing;
using std::chrono::milliseconds;

namespace {

// The emulator's tokens are hex(payload) "." hex(hmac): any such run in a
// message would be a leaked token.
bool looks_like_token(const std::string& text) {
  static const std::regex token_shape("[0-9a-f]{40,}\\.[0-9a-f]{64}");
  return std::regex_search(text, token_shape);
}

void check_no_secret(const std::string& text) {
  CHECK(text.find(kClientSecret) == std::string::npos);
  CHECK_FALSE(looks_like_token(text));
  CHECK(text.find("Bearer") == std::string::npos);
  CHECK(text.find("Basic") == std::string::npos);
}

}  // namespace

TEST_CASE("a token is renewed before it expires") {
  auto options = EmulatedOrg::quiet_options();
  options.token_ttl = std::chrono::seconds(1);
  EmulatedOrg org(options);
  auto api = make_http_flow_api(org.client_options());
  Flow flow = flow_named(*api, "Greeting");
  CHECK(api->stats().token_requests == 1);
  std::this_thread::sleep_for(milliseconds(1200));
  CHECK(api->get_flow(flow.id).name == "Greeting");
  CHECK(api->stats().token_requests == 2);
  CHECK(endpoint_count(org.port(), "POST /oauth/token") == 2);
}

TEST_CASE("a token the server no longer accepts is renewed once on 401") {
  TempDir seed;
  write_text(seed.path() / "greeting.json", tiny_document("Greeting", "inboundcall"));
  auto first_options = EmulatedOrg::quiet_options();
  first_options.seed_dirs.push_back(seed.path().string());
  auto first = std::make_unique<EmulatedOrg>(first_options);
  int port = first->port();
  auto client_options = first->client_options();
  auto api = make_http_flow_api(client_options);
  Flow flow = flow_named(*api, "Greeting");
  CHECK(api->stats().token_requests == 1);

  // A new org on the same port signs tokens with a new key: the old token is
  // refused with 401 (and the old keep-alive connection is gone).
  first.reset();
  auto second_options = EmulatedOrg::quiet_options();
  second_options.seed_dirs.push_back(seed.path().string());
  second_options.listen = "127.0.0.1:" + std::to_string(port);
  EmulatedOrg second(second_options);
  CHECK(api->get_flow(flow.id).name == "Greeting");  // same seed, same derived id
  // Counted per attempt: the first one may meet the dropped keep-alive connection.
  CHECK(api->stats().token_requests >= 2);
  CHECK(endpoint_count(second.port(), "POST /oauth/token") == 1);
}

TEST_CASE("a pool of N tokens spreads calls over N tokens") {
  EmulatedOrg org;
  auto options = org.client_options();
  options.token_pool = 3;
  auto api = make_http_flow_api(options);
  Flow flow = flow_named(*api, "Greeting");
  for (int i = 0; i < 9; ++i) api->get_flow(flow.id);
  CHECK(endpoint_count(org.port(), "POST /oauth/token") == 3);
  CHECK(api->stats().token_requests == 3);

  // Each token carries a third of the calls: with a limit of 4 a minute per
  // token, 12 calls fit in three tokens and would not fit in one.
  EmulatedOrg limited;
  control(limited.port(), "POST", "/_emulator/config", Json{{"rate_limit_per_minute", 4}});
  auto pooled_options = limited.client_options();
  pooled_options.token_pool = 3;
  pooled_options.retry_budget = milliseconds(500);
  auto pooled = make_http_flow_api(pooled_options);
  for (int i = 0; i < 12; ++i) pooled->list_flows(ListFlowsQuery{{"inboundcall"}, "", 500});
  CHECK(pooled->stats().rate_limited == 0);
}

TEST_CASE("429 from the emulator is retried transparently after Retry-After") {
  EmulatedOrg org;
  // Genesys counts per minute; a 1 s window keeps the wait short.
  control(org.port(), "POST", "/_emulator/config", Json{{"rate_limit_per_minute", 3}, {"rate_window_ms", 1000}});
  auto options = org.client_options();
  options.pace = false;  // paced, it would not run into the limit at all (rate_pacing_test.cpp)
  options.max_retries = 1;  // 429s with Retry-After do not spend the retries meant for faults
  auto api = make_http_flow_api(options);
  for (int i = 0; i < 8; ++i) CHECK_FALSE(api->list_flows({}).empty());
  CHECK(api->stats().rate_limited > 0);
  CHECK(api->stats().retries >= api->stats().rate_limited);
}

TEST_CASE("429 past the rate-limit wait bound is a clear ApiError that honoured Retry-After") {
  EmulatedOrg org;
  control(org.port(), "POST", "/_emulator/config", Json{{"rate_limit_per_minute", 3}});
  auto options = org.client_options();
  options.rate_limit_wait = milliseconds(2000);  // the emulator asks for up to a minute
  options.pace = false;  // paced, the fourth call would wait for the window instead
  auto api = make_http_flow_api(options);
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) api->list_flows({});
  try {
    api->list_flows({});
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK(e.status() == 429);
    CHECK(e.code() == "too.many.requests");
    CHECK(e.call() == "GET /api/v2/flows");
    CHECK(std::string(e.what()).find("gave up after 1 attempt: rate limited (429) 1 time, waited 0 ms of at most "
                                     "2000 ms, server asked to wait") != std::string::npos);
  }
  // It did not hammer the server by retrying before Retry-After.
  CHECK(api->stats().rate_limited == 1);
  CHECK(api->stats().retries == 0);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
}

TEST_CASE("5xx answers and dropped connections are retried transparently") {
  EmulatedOrg org;
  auto api = make_http_flow_api(org.client_options());
  Flow flow = flow_named(*api, "Cache Example");
  std::string document = api->latest_configuration(flow.id);
  control(org.port(), "POST", "/_emulator/config", Json{{"fault_rate", 0.3}, {"fault_seed", 11}});
  parallel_for(40, 4, [&](std::size_t i) {
    if (i % 2)
      CHECK(api->latest_configuration(flow.id) == document);
    else
      CHECK(api->get_flow(flow.id).id == flow.id);
  });
  RequestStats stats = api->stats();
  CHECK(stats.server_errors > 0);
  CHECK(stats.retries >= stats.server_errors);
  CHECK(stats.requests >= 40 + stats.retries);
}

TEST_CASE("a state-changing call whose answer is lost is not repeated: ApiError::outcome_unknown") {
  EmulatedOrg org;
  auto api = make_http_flow_api(org.client_options());
  Flow flow = flow_named(*api, "Greeting");
  const std::string document = api->latest_configuration(flow.id);
  api->checkout(flow.id);
  // The emulator saves the version, then drops the connection instead of answering.
  control(org.port(), "POST", "/_emulator/config",
          Json{{"drop_after", {{"POST /api/v2/flows/{id}/versions", 1}, {"GET /api/v2/flows/{id}", 1}}}});
  try {
    api->save_version(flow.id, document);
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK(e.outcome_unknown());
    CHECK(e.status() == 0);
    CHECK(std::string(e.what()).find("it may have taken effect, so it was not repeated") != std::string::npos);
    check_no_secret(e.what());
  }
  CHECK(endpoint_count(org.port(), "POST /api/v2/flows/{id}/versions") == 1);  // sent once, carried out once
  // A read whose answer is lost is simply asked again; it shows the save landed.
  Flow after = api->get_flow(flow.id);
  CHECK(endpoint_count(org.port(), "GET /api/v2/flows/{id}") == 2);
  REQUIRE(after.saved_version.has_value());
  // 429 and 503 say "not carried out": those a state-changing call still retries.
  CHECK(RetryPolicy::retryable_unapplied(429));
  CHECK(RetryPolicy::retryable_unapplied(503));
  CHECK_FALSE(RetryPolicy::retryable_unapplied(0));
  CHECK_FALSE(RetryPolicy::retryable_unapplied(502));
  CHECK(RetryPolicy::outcome_unknown(504));
  CHECK_FALSE(RetryPolicy::outcome_unknown(429));
}

TEST_CASE("an exhausted retry count is a clear ApiError") {
  EmulatedOrg org;
  auto options = org.client_options();
  options.max_retries = 3;
  auto api = make_http_flow_api(options);
  Flow flow = flow_named(*api, "Greeting");
  control(org.port(), "POST", "/_emulator/config", Json{{"fault_rate", 1.0}, {"fault_seed", 3}});
  auto before = api->stats();
  try {
    api->get_flow(flow.id);
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK((e.status() == 0 || e.status() >= 500));
    CHECK(e.flow() == flow.id);
    CHECK(std::string(e.what()).find("gave up after 4 attempts: retry limit 3") != std::string::npos);
    check_no_secret(e.what());
  }
  CHECK(api->stats().requests - before.requests == 4);
  CHECK(api->stats().retries - before.retries == 3);
}

TEST_CASE("no error text carries the secret or a token") {
  EmulatedOrg org;
  SUBCASE("wrong secret") {
    auto options = org.client_options();
    options.client_secret = "a-wrong-secret-1234";
    auto api = make_http_flow_api(options);
    try {
      api->list_flows({});
      FAIL("expected ApiError");
    } catch (const ApiError& e) {
      CHECK(e.status() == 401);
      CHECK(e.call() == "POST /oauth/token");
      CHECK(std::string(e.what()).find("a-wrong-secret-1234") == std::string::npos);
      CHECK(std::string(e.what()).find(kClientId) != std::string::npos);  // says which client
      check_no_secret(e.what());
    }
  }
  SUBCASE("404 and 500 after a successful login") {
    auto api = make_http_flow_api(org.client_options());
    Flow flow = flow_named(*api, "Greeting");
    try {
      api->get_flow("no-such-flow");
      FAIL("expected ApiError");
    } catch (const ApiError& e) {
      CHECK(e.status() == 404);
      check_no_secret(e.what());
    }
    control(org.port(), "POST", "/_emulator/config", Json{{"fault_rate", 1.0}, {"fault_seed", 5}});
    auto options = org.client_options();
    options.max_retries = 1;
    auto failing = make_http_flow_api(options);
    try {
      failing->get_flow(flow.id);
      FAIL("expected ApiError");
    } catch (const ApiError& e) {
      CHECK((e.status() == 0 || e.status() >= 500));
      check_no_secret(e.what());
    }
  }
}

TEST_CASE("a server that is not there is ApiError status 0 after the retries") {
  int port;
  {
    EmulatedOrg gone;
    port = gone.port();
  }
  ClientOptions options;
  options.api_url = "http://127.0.0.1:" + std::to_string(port);
  options.client_id = kClientId;
  options.client_secret = kClientSecret;
  options.max_retries = 2;
  options.retry_base = milliseconds(5);
  auto api = make_http_flow_api(options);
  try {
    api->list_flows({});
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK(e.status() == 0);
    CHECK(e.call() == "POST /oauth/token");
    CHECK(std::string(e.what()).find("gave up after 3 attempts: retry limit 2") != std::string::npos);
    check_no_secret(e.what());
  }
}

TEST_CASE("a request that outlives its timeout is retried, then reported as no answer") {
  auto emulator_options = EmulatedOrg::quiet_options();
  EmulatedOrg org(emulator_options);
  auto options = org.client_options();
  options.timeout = milliseconds(150);
  options.max_retries = 1;
  auto api = make_http_flow_api(options);
  Flow flow = flow_named(*api, "Greeting");
  control(org.port(), "POST", "/_emulator/config", Json{{"latency_ms", 1000}});
  try {
    api->get_flow(flow.id);
    FAIL("expected ApiError");
  } catch (const ApiError& e) {
    CHECK(e.status() == 0);
    CHECK(e.flow() == flow.id);
    CHECK(std::string(e.what()).find("gave up after 2 attempts: retry limit 1") != std::string::npos);
    CHECK(std::string(e.what()).find("timed out after 150 ms") != std::string::npos);
  }
  // Answers in time again: the same client carries on.
  control(org.port(), "POST", "/_emulator/config", Json{{"latency_ms", 0}});
  CHECK(api->get_flow(flow.id).id == flow.id);
}

TEST_CASE("parallelism bounds the requests in flight") {
  EmulatedOrg org;
  auto options = org.client_options();
  options.parallelism = 1;
  auto api = make_http_flow_api(options);
  Flow flow = flow_named(*api, "Greeting");
  control(org.port(), "POST", "/_emulator/config", Json{{"latency_ms", 100}});
  auto started = std::chrono::steady_clock::now();
  parallel_for(5, 5, [&](std::size_t) { api->get_flow(flow.id); });
  // One at a time: five answers that each take 100 ms cannot overlap.
  CHECK(std::chrono::steady_clock::now() - started >= milliseconds(500));
}
