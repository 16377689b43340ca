// POST /oauth/token: the client-credentials grant. Answers OAuth's own error
// shape {error, description, error_description}, not an ErrorBody.
#include <fmt/format.h>

#include "emulator/service.hpp"
#include "util/encoding.hpp"

namespace flowlink::emulator {

namespace {

Response oauth_error(int status, const std::string& error, const std::string& description) {
  return Response::json(status, Json{{"error", error}, {"description", description}, {"error_description", description}});
}

Response token(Service& service, Request& request) {
  const Query form(request.body);
  std::string id = form.get_or("client_id", "");
  std::string secret = form.get_or("client_secret", "");
  const std::string authorization = request.header("authorization");
  if (authorization.size() > 6 && (authorization.rfind("Basic ", 0) == 0 || authorization.rfind("basic ", 0) == 0)) {
    std::string decoded;
    try {
      decoded = util::base64_decode(authorization.substr(6));
    } catch (const std::invalid_argument&) {
      return oauth_error(401, "invalid_client", "The Basic authorization header is not base64.");
    }
    const auto colon = decoded.find(':');
    if (colon == std::string::npos)
      return oauth_error(401, "invalid_client", "The Basic authorization header is not client_id:client_secret.");
    id = decoded.substr(0, colon);
    secret = decoded.substr(colon + 1);
  }
  const std::string grant = form.get_or("grant_type", "");
  if (grant.empty()) return oauth_error(400, "invalid_request", "grant_type is required.");
  if (grant != "client_credentials")
    return oauth_error(400, "unsupported_grant_type", fmt::format("Grant type '{}' is not supported.", grant));
  if (id.empty()) return oauth_error(401, "invalid_client", "No client credentials were given.");
  const ClientCredentials* client = service.access().authenticate_client(id, secret);
  if (!client) return oauth_error(401, "invalid_client", "client not found or the secret does not match");
  return Response::json(200, Json{{"access_token", service.access().issue_token(*client)},
                                  {"token_type", "bearer"},
                                  {"expires_in", service.access().ttl().count()}});
}

}  // namespace

void register_oauth_routes(Service& service) { service.add_route("POST", "/oauth/token", RouteKind::OAuth, token); }

}  // namespace flowlink::emulator
