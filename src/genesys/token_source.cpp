// OAuth client credentials (POST {login}/oauth/token, Basic auth, form body
// grant_type=client_credentials), one token per pool slot. A token is renewed
// when less than min(60 s, 10% of its lifetime) is left, so that long runs
// never send an expired one, and after the API refuses it with 401.

#include "genesys/token_source.hpp"

#include <algorithm>

#include "util/encoding.hpp"
#include "util/json_depth.hpp"

namespace flowlink::genesys {

using Clock = std::chrono::steady_clock;

namespace {
const std::string token_call = "POST /oauth/token";
}

TokenSource::TokenSource(HttpWire& login, RetryPolicy& policy, StatsCounters& stats, std::string client_id,
                         std::string client_secret, int pool_size, std::size_t max_answer)
    : login_(login),
      policy_(policy),
      stats_(stats),
      client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)),
      max_answer_(max_answer) {
  int size = std::clamp(pool_size, 1, 50);
  for (int i = 0; i < size; ++i) slots_.push_back(std::make_unique<Slot>());
}

TokenSource::TokenSource(HttpWire& login, RetryPolicy& policy, StatsCounters& stats, std::string access_token)
    : login_(login), policy_(policy), stats_(stats), given_token_(std::move(access_token)) {
  slots_.push_back(std::make_unique<Slot>());
  issued_.push_back(given_token_);  // scrubbed from every error like a fetched one
}

bool is_header_safe_token(const std::string& token) {
  return !token.empty() && token.size() <= 8192 && std::none_of(token.begin(), token.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x21 || u == 0x7f;
  });
}

std::size_t TokenSource::next_slot() { return next_.fetch_add(1) % slots_.size(); }

std::string TokenSource::token(std::size_t slot_index) {
  if (given()) return given_token_;
  Slot& slot = *slots_.at(slot_index % slots_.size());
  std::lock_guard lock(slot.mutex);
  if (slot.token.empty() || Clock::now() >= slot.refresh_at) {
    std::chrono::seconds ttl{0};
    std::string fresh = fetch(ttl);
    auto margin = std::min<Clock::duration>(std::chrono::seconds(60), std::chrono::duration_cast<Clock::duration>(ttl) / 10);
    slot.token = std::move(fresh);
    slot.refresh_at = Clock::now() + ttl - margin;
  }
  return slot.token;
}

void TokenSource::invalidate(std::size_t slot_index, const std::string& refused) {
  Slot& slot = *slots_.at(slot_index % slots_.size());
  std::lock_guard lock(slot.mutex);
  // Another thread may already have replaced it; keep a newer token.
  if (slot.token == refused) slot.token.clear();
}

std::string TokenSource::redact(std::string text) const {
  auto scrub = [&text](const std::string& secret) {
    if (secret.size() < 4) return;  // too short to be a real secret; scrubbing would mangle text
    for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
      text.replace(at, secret.size(), "***");
  };
  scrub(client_secret_);
  // A server that echoes the Authorization header sends the credentials back
  // base64-encoded (Basic): scrub that form too.
  scrub(util::base64_encode(client_id_ + ":" + client_secret_));
  std::lock_guard lock(issued_mutex_);
  for (const auto& token : issued_) scrub(token);
  return text;
}

std::string TokenSource::fetch(std::chrono::seconds& ttl) {
  WireRequest request;
  request.method = "POST";
  request.path_and_query = "/oauth/token";
  request.headers.emplace_back("Authorization", "Basic " + util::base64_encode(client_id_ + ":" + client_secret_));
  request.body = "grant_type=client_credentials";
  request.content_type = "application/x-www-form-urlencoded";
  request.max_body = max_answer_;

  auto redactor = [this](std::string text) { return redact(std::move(text)); };
  RetriedAnswer result = send_with_retries(policy_, stats_, [&] {
    ++stats_.token_requests;
    return login_.send(request);
  });
  if (result.answer.body_too_large)
    throw body_too_large_error(token_call, "", result.answer, AnswerKind::Token, max_answer_);
  if (!result.answer.ok()) {
    std::string note = result.give_up_note();
    if (result.answer.status == 400 || result.answer.status == 401)
      note += std::string(note.empty() ? "" : "; ") + "check the OAuth client id and secret; client id " + client_id_;
    throw api_error_from_answer(token_call, "", result.answer, redactor, note);
  }
  Json body = util::parse_json_or_discarded<Json>(result.answer.body);
  if (!body.is_object() || !body.contains("access_token") || !body["access_token"].is_string())
    throw ApiError(token_call, "", result.answer.status, "invalid.response", "the answer has no access_token",
                   result.answer.correlation_id);
  std::string token = body["access_token"].get<std::string>();
  // The token goes into a header line: a CR, LF or any other control
  // character (or an absurd size) would let the server inject headers.
  if (!is_header_safe_token(token))
    throw ApiError(token_call, "", result.answer.status, "invalid.response",
                   "the access_token the login server sent is empty, too long or holds control characters or spaces; "
                   "refused",
                   result.answer.correlation_id);
  long long seconds = 86400;
  if (auto it = body.find("expires_in"); it != body.end() && it->is_number()) seconds = it->get<long long>();
  ttl = std::chrono::seconds(std::max(0LL, seconds));
  {
    std::lock_guard lock(issued_mutex_);
    issued_.push_back(token);
  }
  return token;
}

}  // namespace flowlink::genesys
