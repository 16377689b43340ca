#pragma once
// OAuth client-credentials tokens: a pool of N slots, each with its own token
// (calls are spread round-robin, like the Terraform provider's
// token_pool_size). A token is renewed shortly before it expires and when the
// API answers 401 to it. Or one access token given by the user
// (GENESYSCLOUD_ACCESS_TOKEN), used as is and never renewed.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "genesys/http_wire.hpp"
#include "genesys/retry_policy.hpp"

namespace flowlink::genesys {

// Whether a token can go into an Authorization header as is: not empty, at
// most 8 KiB, no spaces or control characters (a CR or LF would let its
// source inject headers).
bool is_header_safe_token(const std::string& token);

class TokenSource {
 public:
  TokenSource(HttpWire& login, RetryPolicy& policy, StatsCounters& stats, std::string client_id,
              std::string client_secret, int pool_size, std::size_t max_answer = AnswerLimits{}.token);
  // Every call uses `access_token`; nothing is fetched.
  TokenSource(HttpWire& login, RetryPolicy& policy, StatsCounters& stats, std::string access_token);

  // True when the token was given, not fetched: a 401 cannot be cured by renewing.
  bool given() const { return !given_token_.empty(); }

  std::size_t pool_size() const { return slots_.size(); }
  // The next slot, round-robin.
  std::size_t next_slot();
  // A valid token for the slot, fetching one when missing or about to expire.
  // Throws ApiError when the login host refuses.
  std::string token(std::size_t slot);
  // The API refused `token` (401): forget it so token() fetches a new one.
  void invalidate(std::size_t slot, const std::string& token);
  // Replaces the secret and every token issued so far with "***".
  std::string redact(std::string text) const;

 private:
  struct Slot {
    std::mutex mutex;
    std::string token;
    std::chrono::steady_clock::time_point refresh_at;
  };
  std::string fetch(std::chrono::seconds& ttl);

  HttpWire& login_;
  RetryPolicy& policy_;
  StatsCounters& stats_;
  std::string client_id_, client_secret_;
  std::size_t max_answer_ = AnswerLimits{}.token;  // the token answer's size bound (answer_limits.hpp)
  std::string given_token_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<std::size_t> next_{0};
  mutable std::mutex issued_mutex_;
  std::vector<std::string> issued_;
};

}  // namespace flowlink::genesys
