#pragma once
// OAuth client-credentials tokens: a pool of N slots, each with its own token
// (calls are spread round-robin, like the Terraform provider's
// token_pool_size). A token is renewed shortly before it expires and when the
// API answers 401 to it.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "genesys/http_wire.hpp"
#include "genesys/retry_policy.hpp"

namespace flowlink::genesys {

class TokenSource {
 public:
  TokenSource(HttpWire& login, RetryPolicy& policy, StatsCounters& stats, std::string client_id,
              std::string client_secret, int pool_size, std::size_t max_answer = AnswerLimits{}.token);

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
  std::size_t max_answer_;  // the token answer's size bound (answer_limits.hpp)
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<std::size_t> next_{0};
  mutable std::mutex issued_mutex_;
  std::vector<std::string> issued_;
};

}  // namespace flowlink::genesys
