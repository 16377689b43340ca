#pragma once
// The emulator's own view of an HTTP exchange, free of socket and wire
// details: http_server.cpp fills a Request and sends a Response.

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace flowlink::emulator {

using Json = nlohmann::ordered_json;

// Who performs an API call: an OAuth client (client credentials) or, through
// the /_emulator/act-as controls, a named user.
struct Actor {
  enum class Kind { Client, User };
  Kind kind = Kind::Client;
  std::string id;
  std::string name;
  // Identity for lock ownership: a client and a user never share one.
  std::string key() const { return (kind == Kind::Client ? "client:" : "user:") + id; }
  bool operator==(const Actor& other) const { return key() == other.key(); }
};

// Query parameters in arrival order; multi-valued parameters arrive repeated
// (type=a&type=b) or comma-joined (type=a,b): values() accepts both.
class Query {
 public:
  Query() = default;
  explicit Query(std::string_view raw);  // the part after '?', still encoded
  std::optional<std::string> get(std::string_view key) const;
  std::string get_or(std::string_view key, std::string fallback) const;
  std::vector<std::string> values(std::string_view key) const;  // split on ','
  bool has(std::string_view key) const { return get(key).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
  std::string method;          // "GET", "POST", ...
  std::string path;            // decoded, no query
  Query query;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::vector<std::string> params;  // path parameters captured by the router
  std::optional<Actor> caller;      // set after authentication
  std::string correlation_id;
  std::string header(std::string_view name) const;  // lowercase name; "" if absent
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  // Either an owned body or a shared, pre-serialized one (the hot paths).
  std::string body;
  std::shared_ptr<const std::string> shared_body;
  std::string content_type = "application/json";
  bool drop_connection = false;  // fault injection: break the connection

  static Response json(int status, const Json& value);
  static Response text(int status, std::string body, std::string content_type = "application/json");
  static Response shared(int status, std::shared_ptr<const std::string> body);
};

// Thrown by endpoint code; turned into an ErrorBody answer by the server.
class ApiFailure : public std::runtime_error {
 public:
  ApiFailure(int status, std::string code, std::string message, Json details = Json::array(),
             std::string entity_id = {}, std::string entity_name = {});
  int status;
  std::string code;
  Json details;
  std::string entity_id;
  std::string entity_name;
  std::vector<std::pair<std::string, std::string>> extra_headers;
};

}  // namespace flowlink::emulator
