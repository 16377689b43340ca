#include "cli/org_connection.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

namespace flowlink::cli {

namespace {
constexpr const char* kClientIdVar = "GENESYSCLOUD_OAUTHCLIENT_ID";
constexpr const char* kClientSecretVar = "GENESYSCLOUD_OAUTHCLIENT_SECRET";
constexpr const char* kRegionVar = "GENESYSCLOUD_REGION";
constexpr const char* kAccessTokenVar = "GENESYSCLOUD_ACCESS_TOKEN";
constexpr const char* kProxyLoopbackVar = "FLOWLINK_PROXY_LOOPBACK";

std::string env_value(const Environment& env, const char* name) {
  const char* value = env(name);
  return value ? std::string(value) : std::string();
}

// The lower-case name first, as curl reads them.
std::string env_either(const Environment& env, const char* lower, const char* upper) {
  const std::string value = env_value(env, lower);
  return value.empty() ? env_value(env, upper) : value;
}

// --api-url as plans record it and the client uses it. Credentials in the
// URL (user:password@host) are refused, not stripped: they would land in
// shell history, and credentials come only from the environment. Trailing
// slashes go, so that "http://h:1/" and "http://h:1" name the same org when
// apply compares a saved plan's source.
std::string checked_api_url(const std::string& url) {
  genesys::check_api_url(url);
  const auto scheme_end = url.find("://");
  const auto authority_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const auto authority_end = url.find_first_of("/?#", authority_start);
  if (url.substr(authority_start, authority_end - authority_start).find('@') != std::string::npos) {
    throw std::runtime_error(fmt::format(
        "--api-url must not carry credentials (user:password@host); give the OAuth client in {} and {}", kClientIdVar,
        kClientSecretVar));
  }
  std::string normalized = url;
  while (normalized.size() > authority_start && normalized.back() == '/') normalized.pop_back();
  return normalized;
}

// The API and login URLs: --api-url wins, then --region, then the environment.
std::pair<std::string, std::string> urls_for(const OrgOptions& options, const Environment& env) {
  if (!options.api_url.empty()) {
    const std::string url = checked_api_url(options.api_url);
    return {url, url};
  }
  std::string region = options.region.empty() ? env_value(env, kRegionVar) : options.region;
  if (region.empty()) {
    throw std::runtime_error(fmt::format(
        "no org to talk to: give --region (or set {}) or --api-url, or plan an export with --export-dir", kRegionVar));
  }
  return genesys::region_urls(region);
}
}  // namespace

void add_org_options(CLI::App* command, OrgOptions& options) {
  command->add_option("--region", options.region,
                      "Genesys Cloud region: its domain (mypurecloud.ie) or CX as Code name (eu-west-1); default $GENESYSCLOUD_REGION");
  command->add_option("--api-url", options.api_url,
                      "API base URL instead of a region (an emulator or gateway; plain http only to loopback)");
  CLI::Option* parallelism =
      command->add_option("--parallelism", options.parallelism, "Concurrent requests (default 8 per --token-pool token, at most 64)")
          ->check(CLI::Range(1, 64));
  command->add_option("--token-pool", options.token_pool, "OAuth tokens to spread requests over (1-50, default 1)")
      ->check(CLI::Range(1, 50));
  // Each token of a pool brings its own rate limit; with one token's
  // concurrency the pool would be held back by latency instead (8 requests
  // in flight at 50 ms is 160 a second, under four tokens' 200).
  command->parse_complete_callback([&options, parallelism] {
    if (parallelism->count() == 0) options.parallelism = std::min(64, kDefaultParallelismPerToken * options.token_pool);
  });
}

genesys::ClientOptions client_options_for(const OrgOptions& options, const Environment& env) {
  genesys::ClientOptions client;
  std::tie(client.api_url, client.login_url) = urls_for(options, env);
  client.client_id = env_value(env, kClientIdVar);
  // As CX as Code: with an access token, no client-credentials grant (the
  // client id, if set, still tells flowlink's own locks).
  client.access_token = env_value(env, kAccessTokenVar);
  if (client.access_token.empty()) {
    client.client_secret = env_value(env, kClientSecretVar);
    if (client.client_id.empty() || client.client_secret.empty()) {
      throw std::runtime_error(fmt::format("set {} and {} to an OAuth client (client credentials grant), or {}",
                                           kClientIdVar, kClientSecretVar, kAccessTokenVar));
    }
  }
  client.proxy.url = env_either(env, "https_proxy", "HTTPS_PROXY");
  client.proxy.no_proxy = env_either(env, "no_proxy", "NO_PROXY");
  client.proxy.loopback = env_value(env, kProxyLoopbackVar) == "1";
  client.parallelism = options.parallelism;
  client.token_pool = options.token_pool;
  return client;
}

std::unique_ptr<genesys::FlowApi> connect_to_org(const OrgOptions& options) {
  return genesys::make_http_flow_api(client_options_for(options, [](const char* name) { return std::getenv(name); }));
}

std::string describe_org(const OrgOptions& options, const Environment& env) { return urls_for(options, env).first; }

}  // namespace flowlink::cli
