#pragma once
// An authenticated API call with retries: picks a token (round-robin over the
// pool), sends through the api host's HttpWire, renews the token once on 401,
// retries per RetryPolicy, and turns any failure into an ApiError.

#include <memory>
#include <string>

#include "genesys/flow_api.hpp"

namespace flowlink::genesys {

struct ApiRequest {
  std::string method;  // "GET"
  std::string path;    // "/api/v2/flows/abc/latestconfiguration": names the call in errors
  std::string query;   // "flow=abc" (encoded), may be ""
  std::string body;    // sent as application/json when not empty
  std::string flow;    // the flow the call is about, for errors; may be ""
  // false for calls that change state (save a version, check in, publish):
  // after no answer (or 500/502/504) they are not repeated but fail with
  // ApiError::outcome_unknown(), and the caller finds out by reading.
  bool repeatable = true;
  // What the answer holds: its size bound (answer_limits.hpp) and its name
  // in the error when it is past it.
  AnswerKind answer = AnswerKind::Object;
};

class HttpTransport {
 public:
  explicit HttpTransport(const ClientOptions& options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // The body of a 2xx answer; ApiError otherwise.
  std::string send(const ApiRequest& request);
  RequestStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowlink::genesys
