#pragma once
// How the commands that talk to an org connect: --region / GENESYSCLOUD_REGION
// or --api-url, credentials only from GENESYSCLOUD_OAUTHCLIENT_ID and
// GENESYSCLOUD_OAUTHCLIENT_SECRET or GENESYSCLOUD_ACCESS_TOKEN (never from
// flags, which land in shell history), a proxy from HTTPS_PROXY / NO_PROXY
// (FLOWLINK_PROXY_LOOPBACK=1 to proxy loopback too), --parallelism and
// --token-pool.

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "genesys/flow_api.hpp"

namespace flowlink::cli {

// Concurrent requests per token of --token-pool unless --parallelism says.
inline constexpr int kDefaultParallelismPerToken = 8;

struct OrgOptions {
  std::string region;   // --region; default GENESYSCLOUD_REGION
  std::string api_url;  // --api-url: the emulator or a gateway (plain http only to loopback)
  int parallelism = kDefaultParallelismPerToken;  // per token of the pool, unless --parallelism
  int token_pool = 1;
};

// Adds --region, --api-url, --parallelism and --token-pool to `command`.
void add_org_options(CLI::App* command, OrgOptions& options);

using Environment = std::function<const char*(const char*)>;

// The client options for `options`, reading the environment through `env`.
// Throws std::runtime_error naming what is missing (never the secret's value).
genesys::ClientOptions client_options_for(const OrgOptions& options, const Environment& env);

// Connects with the process environment.
std::unique_ptr<genesys::FlowApi> connect_to_org(const OrgOptions& options);

// "https://api.mypurecloud.com" or the --api-url: what plans record as their source.
std::string describe_org(const OrgOptions& options, const Environment& env);

}  // namespace flowlink::cli
