// An authenticated API call: token from the pool (round-robin), paced to
// that token's announced rate limit (one RatePacer per pool slot), one
// renewal on 401, retries per RetryPolicy, and an ApiError naming the call
// and flow for anything but 2xx. Secrets and tokens are scrubbed from error text.

#include "genesys/http_transport.hpp"

#include <thread>
#include <vector>

#include "genesys/http_wire.hpp"
#include "genesys/rate_pacer.hpp"
#include "genesys/retry_policy.hpp"
#include "genesys/token_source.hpp"

namespace flowlink::genesys {

struct HttpTransport::Impl {
  explicit Impl(const ClientOptions& options)
      : limit(options.parallelism),
        api(options.api_url, options.timeout, limit, stats, proxy_for(options.api_url, options.proxy)),
        login(login_url(options), options.timeout, limit, stats, proxy_for(login_url(options), options.proxy)),
        policy(options.max_retries, options.retry_base, options.retry_budget),
        tokens(options.access_token.empty()
                   ? std::make_unique<TokenSource>(login, policy, stats, options.client_id, options.client_secret,
                                                   options.token_pool, options.answer_limits.token)
                   : std::make_unique<TokenSource>(login, policy, stats, options.access_token)),
        limits(options.answer_limits),
        pace(options.pace) {
    policy.set_rate_limit_wait(options.rate_limit_wait);
    for (std::size_t i = 0; i < tokens->pool_size(); ++i) pacers.push_back(std::make_unique<RatePacer>());
  }

  static std::string login_url(const ClientOptions& options) {
    return options.login_url.empty() ? options.api_url : options.login_url;
  }

  WireResponse attempt(const WireRequest& base) {
    std::size_t slot = tokens->next_slot();
    std::string token = tokens->token(slot);
    WireResponse answer = send_with_token(base, slot, token);
    if (answer.status == 401 && !tokens->given()) {
      // The token expired early or was revoked: renew it once.
      tokens->invalidate(slot, token);
      token = tokens->token(slot);
      answer = send_with_token(base, slot, token);
    }
    return answer;
  }

  WireResponse send_with_token(WireRequest request, std::size_t slot, const std::string& token) {
    request.headers.emplace_back("Authorization", "Bearer " + token);
    if (!pace) return api.send(request);
    RatePacer& pacer = *pacers[slot % pacers.size()];
    const RatePacer::Slot turn = pacer.reserve(RatePacer::Clock::now());
    if (turn.wait > std::chrono::milliseconds::zero()) {
      ++stats.paced;
      std::this_thread::sleep_for(turn.wait);
    }
    WireResponse answer = api.send(request);
    if (auto window = parse_rate_window(answer.rate_count, answer.rate_allowed, answer.rate_reset))
      pacer.learn(turn.sequence, *window, RatePacer::Clock::now());
    return answer;
  }

  StatsCounters stats;
  Semaphore limit;
  HttpWire api;
  HttpWire login;
  RetryPolicy policy;
  std::unique_ptr<TokenSource> tokens;
  AnswerLimits limits;
  bool pace;
  std::vector<std::unique_ptr<RatePacer>> pacers;  // one per token slot
};

HttpTransport::HttpTransport(const ClientOptions& options) : impl_(std::make_unique<Impl>(options)) {}
HttpTransport::~HttpTransport() = default;

std::string HttpTransport::send(const ApiRequest& request) {
  WireRequest wire;
  wire.method = request.method;
  wire.path_and_query = request.query.empty() ? request.path : request.path + "?" + request.query;
  wire.body = request.body;
  if (!request.body.empty()) wire.content_type = "application/json";
  wire.max_body = impl_->limits.of(request.answer);

  std::string call = request.method + " " + request.path;
  RetriedAnswer result =
      send_with_retries(impl_->policy, impl_->stats, [&] { return impl_->attempt(wire); },
                        request.repeatable ? &RetryPolicy::retryable : &RetryPolicy::retryable_unapplied);
  if (result.answer.ok()) return std::move(result.answer.body);
  if (result.answer.body_too_large)
    throw body_too_large_error(call, request.flow, result.answer, request.answer, wire.max_body);
  const bool unknown = !request.repeatable && RetryPolicy::outcome_unknown(result.answer.status);
  std::string note = unknown ? "it may have taken effect, so it was not repeated" : result.give_up_note();
  if (result.answer.status == 401 && impl_->tokens->given())
    note += std::string(note.empty() ? "" : "; ") +
            "the access token from GENESYSCLOUD_ACCESS_TOKEN was refused (expired or revoked?); it is not renewed";
  auto redactor = [this](std::string text) { return impl_->tokens->redact(std::move(text)); };
  ApiError error = api_error_from_answer(call, request.flow, result.answer, redactor, note);
  if (unknown) error.mark_outcome_unknown();
  throw error;
}

RequestStats HttpTransport::stats() const { return impl_->stats.snapshot(); }

}  // namespace flowlink::genesys
