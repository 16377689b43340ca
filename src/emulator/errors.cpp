#include "emulator/errors.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <typeinfo>
#include <vector>

#include <fmt/format.h>

#include "util/ascii.hpp"
#include "util/encoding.hpp"
#include "util/terminal_text.hpp"

namespace flowlink::emulator {

ApiFailure::ApiFailure(int status_, std::string code_, std::string message, Json details_, std::string entity_id_,
                       std::string entity_name_)
    : std::runtime_error(std::move(message)),
      status(status_),
      code(std::move(code_)),
      details(std::move(details_)),
      entity_id(std::move(entity_id_)),
      entity_name(std::move(entity_name_)) {}

namespace errors {

Json error_body(int status, std::string_view code, std::string_view message, std::string_view context_id,
                const Json& details, std::string_view entity_id, std::string_view entity_name) {
  Json body = Json::object();
  body["message"] = message;
  body["code"] = code;
  body["status"] = status;
  if (!entity_id.empty()) body["entityId"] = entity_id;
  if (!entity_name.empty()) body["entityName"] = entity_name;
  body["messageWithParams"] = message;
  body["messageParams"] = Json::object();
  body["contextId"] = context_id;
  body["details"] = details.is_array() ? details : Json::array();
  body["errors"] = Json::array();
  return body;
}

namespace {
Json field_detail(std::string_view code, std::string_view field, std::string_view entity_id = {}) {
  Json detail = {{"errorCode", code}, {"fieldName", field}};
  if (!entity_id.empty()) detail["entityId"] = entity_id;
  return Json::array({detail});
}
}  // namespace

ApiFailure bad_request(std::string_view field, std::string_view message) {
  return ApiFailure(400, "bad.request", fmt::format("{}: {}", field, message), field_detail("bad.request", field));
}

ApiFailure unframeable_request(int status, std::string_view message) {
  const char* code = status == 413 ? "request.entity.too.large" : status == 408 ? "request.timeout" : "bad.request";
  return ApiFailure(status, code, std::string(message));
}

ApiFailure internal_error(std::string_view what) {
  return ApiFailure(500, "internal.server.error", fmt::format("The emulator failed: {}", what));
}

namespace {

std::string demangled(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> readable(abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  return status == 0 && readable ? std::string(readable.get()) : std::string(name);
}

// The credentials a request carries, longest first (a whole header value is
// blanked before the token inside it).
std::vector<std::string> credentials_of(const Request& request) {
  std::vector<std::string> out;
  auto add = [&out](std::string_view text) {
    if (!text.empty()) out.emplace_back(text);
  };
  const std::string authorization = request.header("authorization");
  add(authorization);
  if (const auto space = authorization.find(' '); space != std::string::npos) {
    std::string_view credential = std::string_view(authorization).substr(space + 1);
    while (!credential.empty() && credential.front() == ' ') credential.remove_prefix(1);
    add(credential);
    if (util::ascii_iequals(std::string_view(authorization).substr(0, space), "basic")) {
      try {
        const std::string decoded = util::base64_decode(credential);
        add(decoded);
        if (const auto colon = decoded.find(':'); colon != std::string::npos) add(decoded.substr(colon + 1));
      } catch (const std::exception&) {
      }
    }
  }
  if (request.body.find("client_secret") != std::string::npos) {
    if (auto secret = Query(request.body).get("client_secret")) {
      add(*secret);
      add(util::url_encode(*secret));
    }
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return out;
}

std::string redacted(std::string text, const std::vector<std::string>& secrets) {
  static constexpr std::string_view kMark = "[redacted]";
  for (const auto& secret : secrets) {
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + kMark.size()))
      text.replace(at, secret.size(), kMark);
  }
  return text;
}

std::string bounded(std::string text, std::size_t limit) {
  if (text.size() > limit) {
    text.resize(limit);
    text += "...";
  }
  return text;
}

}  // namespace

std::string describe_exception(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return fmt::format("{}: {}", demangled(typeid(e).name()), e.what());
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return fmt::format("a thrown {} (not a std::exception)", type ? demangled(type->name()) : "value");
  }
}

std::string internal_error_log_line(const Request& request, std::string_view context_id, std::string_view what) {
  const auto secrets = credentials_of(request);
  return fmt::format("flowlink-emulator: 500 internal.server.error answering {} {} (correlation id {}): {}",
                     util::terminal_safe(bounded(request.method, 20)),
                     util::terminal_safe(bounded(redacted(request.path, secrets), 300)), context_id,
                     util::terminal_safe(bounded(redacted(std::string(what), secrets), 1000)));
}

void log_line(std::string_view line) {
  const std::string whole = std::string(line) + "\n";
  std::fwrite(whole.data(), 1, whole.size(), stderr);
  std::fflush(stderr);
}

ApiFailure flow_not_found(std::string_view flow_id) {
  return ApiFailure(404, "not.found", fmt::format("Flow '{}' was not found.", flow_id), Json::array(),
                    std::string(flow_id));
}

ApiFailure version_not_found(std::string_view flow_id, std::string_view version) {
  return ApiFailure(404, "not.found", fmt::format("Version '{}' of flow '{}' was not found.", version, flow_id),
                    Json::array(), std::string(flow_id));
}

ApiFailure route_not_found(std::string_view method, std::string_view path) {
  return ApiFailure(404, "not.found", fmt::format("No resource for {} {}.", method, path));
}

ApiFailure method_not_allowed(std::string_view method, std::string_view path) {
  return ApiFailure(405, "method.not.allowed", fmt::format("{} is not allowed on {}", method, path));
}

ApiFailure no_configuration(std::string_view flow_id, std::string_view flow_name) {
  return ApiFailure(404, "not.found", fmt::format("Flow '{}' ({}) has no configuration yet.", flow_name, flow_id),
                    Json::array(), std::string(flow_id), std::string(flow_name));
}

ApiFailure locked_by_another(std::string_view flow_id, std::string_view flow_name, const Actor& holder) {
  return ApiFailure(409, "flow.locked.by.user",
                    fmt::format("Flow '{}' ({}) is locked by {} '{}'.", flow_name, flow_id,
                                holder.kind == Actor::Kind::User ? "user" : "client", holder.name),
                    Json::array(), std::string(flow_id), std::string(flow_name));
}

ApiFailure not_locked_by_caller(std::string_view flow_id, std::string_view flow_name) {
  return ApiFailure(400, "flow.not.locked.by.requesting.user",
                    fmt::format("Flow '{}' ({}) is not locked by the requesting user; check it out first.",
                                flow_name, flow_id),
                    Json::array(), std::string(flow_id), std::string(flow_name));
}

ApiFailure operation_in_progress(std::string_view flow_id, std::string_view flow_name) {
  return ApiFailure(409, "flow.operation.in.progress",
                    fmt::format("An operation is already in progress on flow '{}' ({}).", flow_name, flow_id),
                    Json::array(), std::string(flow_id), std::string(flow_name));
}

ApiFailure not_checked_in(std::string_view flow_id, std::string_view flow_name) {
  return ApiFailure(400, "flow.not.checked.in",
                    fmt::format("Flow '{}' ({}) has no checked-in version to publish.", flow_name, flow_id),
                    Json::array(), std::string(flow_id), std::string(flow_name));
}

ApiFailure flow_deleted(std::string_view flow_id, std::string_view flow_name) {
  return ApiFailure(400, "flow.deleted", fmt::format("Flow '{}' ({}) is deleted.", flow_name, flow_id),
                    Json::array(), std::string(flow_id), std::string(flow_name));
}

ApiFailure invalid_configuration(std::string_view flow_id, std::string_view where, std::string_view problem) {
  return ApiFailure(400, "bad.request",
                    fmt::format("Flow '{}': the configuration is invalid at '{}': {}", flow_id, where, problem),
                    field_detail("flow.configuration.invalid", where, where), std::string(flow_id));
}

ApiFailure authentication_required() {
  return ApiFailure(401, "authentication.required",
                    "No authentication bearer token specified in authorization header.");
}

ApiFailure bad_token(std::string_view why) {
  return ApiFailure(401, "bad.credentials", fmt::format("Invalid login credentials: {}.", why));
}

ApiFailure too_many_requests(int limit, int retry_after_seconds) {
  ApiFailure failure(429, "too.many.requests",
                     fmt::format("Rate limit exceeded the maximum of {} requests per minute. Retry the request in "
                                 "[{}] seconds",
                                 limit, retry_after_seconds));
  failure.extra_headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return failure;
}

ApiFailure injected_fault(int status) {
  static constexpr std::string_view kCodes[] = {"internal.server.error", "bad.gateway", "service.unavailable",
                                                "gateway.timeout"};
  std::string_view code = status == 502 ? kCodes[1] : status == 503 ? kCodes[2] : status == 504 ? kCodes[3] : kCodes[0];
  return ApiFailure(status, std::string(code), "The service is temporarily unavailable (injected fault).");
}

}  // namespace errors
}  // namespace flowlink::emulator
