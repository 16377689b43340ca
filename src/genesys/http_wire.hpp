#pragma once
// One HTTP exchange with one host, without retries or tokens: the layer that
// owns the cpprest http_client (kept out of this header). Counts every
// request, and bounds how many run at once across all hosts (a Semaphore
// shared by the wires of one client).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "genesys/answer_limits.hpp"
#include "genesys/flow_api.hpp"

namespace flowlink::genesys {

class Semaphore {
 public:
  explicit Semaphore(int permits) : permits_(permits < 1 ? 1 : permits) {}
  void acquire();
  void release();

 private:
  std::mutex mutex_;
  std::condition_variable available_;
  int permits_;
};

struct StatsCounters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> retries{0};
  std::atomic<std::uint64_t> rate_limited{0};
  std::atomic<std::uint64_t> server_errors{0};
  std::atomic<std::uint64_t> token_requests{0};
  std::atomic<std::uint64_t> paced{0};
  RequestStats snapshot() const;
};

struct WireRequest {
  std::string method;          // "GET", "POST", ...
  std::string path_and_query;  // "/api/v2/flows?pageSize=500", already encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;    // set when body is sent
  // The most bytes of the answer's body read (answer_limits.hpp): past it,
  // reading stops and the answer comes back body_too_large.
  std::size_t max_body = AnswerLimits{}.object;
};

struct WireResponse {
  int status = 0;               // 0: no HTTP answer (connection failed, dropped, timed out)
  std::string body;
  std::string retry_after;      // the Retry-After header, "" when absent
  std::string correlation_id;   // ININ-Correlation-Id, "" when absent
  // inin-ratelimit-count / -allowed / -reset as sent, "" when absent (rate_pacer.hpp reads them).
  std::string rate_count, rate_allowed, rate_reset;
  std::string transport_error;  // why there was no answer (status 0)
  // The body was larger than WireRequest::max_body: not read past it, and
  // `body` is empty. Not an answer to use, nor one to ask again.
  bool body_too_large = false;
  bool ok() const { return status >= 200 && status < 300 && !body_too_large; }
};

class HttpWire {
 public:
  // base_url: "https://api.mypurecloud.com" or "http://127.0.0.1:PORT".
  // proxy_url: "http://[user:password@]host:port" to send through, "" for
  // direct (proxy_for() decides); its credentials never appear in errors.
  HttpWire(const std::string& base_url, std::chrono::milliseconds timeout, Semaphore& limit,
           StatsCounters& stats, const std::string& proxy_url = "");
  ~HttpWire();
  HttpWire(const HttpWire&) = delete;
  HttpWire& operator=(const HttpWire&) = delete;

  // Never throws for HTTP or connection failures: they come back as status.
  WireResponse send(const WireRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Builds the ApiError for a failed answer from its ErrorBody (or OAuth error
// body). `redact` removes secrets and tokens from text the server sent back.
ApiError api_error_from_answer(const std::string& call, const std::string& flow,
                               const WireResponse& answer,
                               const std::function<std::string(std::string)>& redact,
                               const std::string& note = "");

// The ApiError for an answer whose body was past its bound (body_too_large):
// "the server sent a listing page of more than 16 MB; refused ...".
ApiError body_too_large_error(const std::string& call, const std::string& flow, const WireResponse& answer,
                              AnswerKind kind, std::size_t limit);

}  // namespace flowlink::genesys
