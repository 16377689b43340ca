#pragma once
// ErrorBody answers (Genesys's error model) and the named failures the
// emulator raises. Every status/code choice that is not confirmed against a
// live org lives here, in one place.

#include <exception>
#include <string>
#include <string_view>

#include "emulator/http_types.hpp"

namespace flowlink::emulator::errors {

// The ErrorBody JSON: {message, code, status, messageParams, messageWithParams,
// contextId, details, errors[, entityId, entityName]}.
Json error_body(int status, std::string_view code, std::string_view message, std::string_view context_id,
                const Json& details = Json::array(), std::string_view entity_id = {},
                std::string_view entity_name = {});

// Failures, thrown as ApiFailure.
ApiFailure bad_request(std::string_view field, std::string_view message);
ApiFailure flow_not_found(std::string_view flow_id);
ApiFailure version_not_found(std::string_view flow_id, std::string_view version);
ApiFailure route_not_found(std::string_view method, std::string_view path);
ApiFailure method_not_allowed(std::string_view method, std::string_view path);
// A flow created but never saved has no configuration to serve.
ApiFailure no_configuration(std::string_view flow_id, std::string_view flow_name);
// (unconfirmed) Genesys's exact answer when the flow is locked by someone else:
// we answer 409 "flow.locked.by.user". This is the ONE place that decides it.
ApiFailure locked_by_another(std::string_view flow_id, std::string_view flow_name, const Actor& holder);
// The caller needs the lock but the flow is not locked at all.
ApiFailure not_locked_by_caller(std::string_view flow_id, std::string_view flow_name);
ApiFailure operation_in_progress(std::string_view flow_id, std::string_view flow_name);
ApiFailure not_checked_in(std::string_view flow_id, std::string_view flow_name);
ApiFailure flow_deleted(std::string_view flow_id, std::string_view flow_name);
// (unconfirmed) An unsound document refused at save: the status, code and
// detail are part of the ASSUMPTION block in document_check.hpp.
ApiFailure invalid_configuration(std::string_view flow_id, std::string_view where, std::string_view problem);

// A request the HTTP server cannot frame (400, 413, 431, 501, 505), or one
// that did not arrive whole in time (408).
ApiFailure unframeable_request(int status, std::string_view message);

// A handler failed with something other than an ApiFailure (a bug, a disk or
// memory failure, a thrown int): 500 internal.server.error naming `what`.
ApiFailure internal_error(std::string_view what);
// What was thrown, as text: "std::logic_error: <what()>", or for a type that
// is not a std::exception "a thrown int (not a std::exception)".
std::string describe_exception(const std::exception_ptr& error);
// The line logged for such a failure: the method and path only (no query, no
// header, no body), the correlation id, and `what` with every credential the
// request carried replaced by "[redacted]" (the Authorization value, its
// token, a Basic header's decoded client:secret and secret, a form's
// client_secret), escaped for a terminal (util::terminal_safe), bounded.
std::string internal_error_log_line(const Request& request, std::string_view context_id, std::string_view what);
// Writes one line to stderr, whole.
void log_line(std::string_view line);

// Authentication: 401 for a missing, bad or expired bearer token.
ApiFailure authentication_required();
ApiFailure bad_token(std::string_view why);

// Rate limiting: 429 with Retry-After.
ApiFailure too_many_requests(int limit, int retry_after_seconds);

// Fault injection: a 5xx answer.
ApiFailure injected_fault(int status);

// Publish failures carried by a FAILURE Operation (errorCode values).
inline constexpr std::string_view kPublishMissingDependencies = "flow.publish.missing.dependencies";
inline constexpr std::string_view kPublishInjectedFailure = "flow.publish.failed";

}  // namespace flowlink::emulator::errors
