#include "emulator/access.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <fmt/format.h>

#include "emulator/errors.hpp"
#include "emulator/model.hpp"
#include "emulator/org_store.hpp"
#include "util/atomic_file.hpp"
#include "util/ascii.hpp"

namespace flowlink::emulator {

namespace {

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xf]);
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = value(hex[i]), lo = value(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace

AccessControl::AccessControl(std::vector<ClientCredentials> clients, std::chrono::seconds ttl)
    : clients_(std::move(clients)), ttl_(ttl) {
  if (clients_.empty()) clients_.push_back({"flowlink-test", "flowlink-test-secret", "flowlink-test"});
}

void AccessControl::open_key(const std::filesystem::path& state_dir) {
  const auto path = state_dir / "token.key";
  if (std::filesystem::exists(path)) {
    key_ = read_file(path);
    if (key_.size() >= 32) return;
  }
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  key_ = to_hex(bytes.data(), bytes.size());
  std::filesystem::create_directories(state_dir);
  util::write_file_atomically(path, key_);
}

const ClientCredentials* AccessControl::authenticate_client(std::string_view id, std::string_view secret) const {
  for (const auto& client : clients_) {
    if (client.id != id || client.secret.size() != secret.size()) continue;
    if (CRYPTO_memcmp(client.secret.data(), secret.data(), secret.size()) == 0) return &client;
  }
  return nullptr;
}

std::string AccessControl::sign(std::string_view payload) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(payload.data()),
       payload.size(), mac.data(), &length);
  return to_hex(mac.data(), length);
}

std::string AccessControl::issue_token(const ClientCredentials& client) const {
  const std::int64_t expiry = now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(ttl_).count();
  const std::string payload = fmt::format("{}|{}|{}", client.id, expiry, new_uuid());
  return to_hex(reinterpret_cast<const unsigned char*>(payload.data()), payload.size()) + "." + sign(payload);
}

Actor AccessControl::verify_bearer(std::string_view header) const {
  constexpr std::string_view kBearer = "bearer ";
  if (header.empty()) throw errors::authentication_required();
  if (header.size() <= kBearer.size() || !util::ascii_iequals(header.substr(0, kBearer.size()), kBearer))
    throw errors::bad_token("the Authorization header is not a bearer token");
  std::string_view token = header.substr(kBearer.size());
  const auto dot = token.find('.');
  if (dot == std::string_view::npos) throw errors::bad_token("unknown token");
  auto payload = from_hex(token.substr(0, dot));
  if (!payload) throw errors::bad_token("unknown token");
  const std::string expected = sign(*payload);
  const std::string_view mac = token.substr(dot + 1);
  if (mac.size() != expected.size() || CRYPTO_memcmp(mac.data(), expected.data(), mac.size()) != 0)
    throw errors::bad_token("unknown token");
  const auto first = payload->find('|');
  const auto second = payload->find('|', first + 1);
  if (first == std::string::npos || second == std::string::npos) throw errors::bad_token("unknown token");
  const std::string client_id = payload->substr(0, first);
  const std::int64_t expiry = std::stoll(payload->substr(first + 1, second - first - 1));
  if (now_ms() >= expiry) throw errors::bad_token("the token has expired");
  for (const auto& client : clients_) {
    if (client.id == client_id) return Actor{Actor::Kind::Client, client.id, client.name};
  }
  throw errors::bad_token("the token's client no longer exists");
}

RateDecision AccessControl::count_request(const std::string& token, int limit, std::chrono::milliseconds window_length) {
  using namespace std::chrono;
  const auto now = steady_clock::now();
  if (window_length <= milliseconds::zero()) window_length = minutes(1);
  std::lock_guard lock(rate_mutex_);
  if (windows_.size() > 10000) {  // forget tokens idle for a whole window
    for (auto it = windows_.begin(); it != windows_.end();)
      it = now - it->second.start >= window_length ? windows_.erase(it) : std::next(it);
  }
  auto& window = windows_[token];
  if (window.count == 0 || now - window.start >= window_length) {
    window.start = now;
    window.count = 0;
  }
  ++window.count;
  RateDecision decision;
  decision.count = window.count;
  decision.limit = limit;
  const auto left = duration_cast<milliseconds>(window.start + window_length - now).count();
  decision.reset_seconds = static_cast<int>(std::max<std::int64_t>(1, (left + 999) / 1000));
  decision.allowed = limit <= 0 || window.count <= limit;
  return decision;
}

void AccessControl::reset_rate_windows() {
  std::lock_guard lock(rate_mutex_);
  windows_.clear();
}

}  // namespace flowlink::emulator
