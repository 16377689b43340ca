#pragma once
// Access control for /api/v2: OAuth client credentials, bearer tokens and the
// per-token rate limit.
//
// Tokens are self-contained: "<hex payload>.<hex HMAC-SHA256>" where the
// payload is "client id|expiry epoch ms|nonce" and the key lives in the state
// dir (token.key). So a token stays valid across a restart of the emulator,
// as a real Genesys token does, and expires after the configured TTL.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "emulator/emulator.hpp"
#include "emulator/http_types.hpp"

namespace flowlink::emulator {

struct RateDecision {
  bool allowed = true;
  int count = 0;          // requests in the current window, this one included
  int limit = 0;          // 0: unlimited
  int reset_seconds = 0;  // until the window resets
};

class AccessControl {
 public:
  AccessControl(std::vector<ClientCredentials> clients, std::chrono::seconds ttl);
  // Loads or creates the signing key in the state dir.
  void open_key(const std::filesystem::path& state_dir);

  const ClientCredentials* authenticate_client(std::string_view id, std::string_view secret) const;
  std::string issue_token(const ClientCredentials& client) const;
  std::chrono::seconds ttl() const { return ttl_; }
  // The caller of a bearer token; throws ApiFailure 401 when missing, bad or expired.
  Actor verify_bearer(std::string_view authorization_header) const;

  // `limit` requests per window of `window_length` (Genesys: a minute; tests
  // shorten it so that a 429's Retry-After is short).
  RateDecision count_request(const std::string& token, int limit, std::chrono::milliseconds window_length);
  void reset_rate_windows();

 private:
  std::string sign(std::string_view payload) const;
  std::vector<ClientCredentials> clients_;
  std::chrono::seconds ttl_;
  std::string key_;

  struct Window {
    std::chrono::steady_clock::time_point start;
    int count = 0;
  };
  std::mutex rate_mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace flowlink::emulator
