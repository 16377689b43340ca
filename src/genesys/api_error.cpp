// ApiError: one failed call, readable as
//   GET /api/v2/flows/abc/latestconfiguration (flow abc): 404 not.found: Flow not found [contextId 1234]
// and how it is built from Genesys's ErrorBody or the OAuth error body.

#include <string>

#include "genesys/flow_api.hpp"
#include "genesys/http_wire.hpp"
#include "util/json_depth.hpp"

namespace flowlink::genesys {
namespace {

std::string describe(const std::string& call, const std::string& flow, int status, const std::string& code,
                     const std::string& message, const std::string& context_id) {
  std::string text = call;
  if (!flow.empty()) text += " (flow " + flow + ")";
  text += ": ";
  text += status == 0 ? std::string("no answer") : std::to_string(status);
  if (!code.empty()) text += " " + code;
  if (!message.empty()) text += ": " + message;
  if (!context_id.empty()) text += " [contextId " + context_id + "]";
  return text;
}

std::string string_field(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// A body that is not an ErrorBody (an HTML error page, say) is shown
// shortened: enough to recognise, not a page of markup.
std::string shortened(std::string text) {
  constexpr std::size_t limit = 200;
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (text.size() > limit) text = text.substr(0, limit) + "...";
  return text;
}

}  // namespace

ApiError::ApiError(std::string call, std::string flow, int status, std::string code, std::string message,
                   std::string context_id)
    : std::runtime_error(describe(call, flow, status, code, message, context_id)),
      call_(std::move(call)),
      flow_(std::move(flow)),
      status_(status),
      code_(std::move(code)),
      message_(std::move(message)),
      context_id_(std::move(context_id)) {}

ApiError api_error_from_answer(const std::string& call, const std::string& flow, const WireResponse& answer,
                               const std::function<std::string(std::string)>& redact,
                               const std::string& note) {
  std::string code, message, context_id;
  if (answer.status == 0) {
    code = "connection.failed";
    message = answer.transport_error.empty() ? "no answer" : answer.transport_error;
  } else {
    Json body = util::parse_json_or_discarded<Json>(answer.body);
    if (body.is_object()) {
      // ErrorBody: {message, code, status, contextId, ...};
      // OAuth: {error, description, error_description}.
      code = string_field(body, "code");
      if (code.empty()) code = string_field(body, "error");
      message = string_field(body, "message");
      if (message.empty()) message = string_field(body, "error_description");
      if (message.empty()) message = string_field(body, "description");
      context_id = string_field(body, "contextId");
    } else if (!answer.body.empty()) {
      message = shortened(answer.body);
    }
    if (context_id.empty()) context_id = answer.correlation_id;
  }
  if (!note.empty()) message += message.empty() ? note : " (" + note + ")";
  return ApiError(call, flow, answer.status, redact(code), redact(message), redact(context_id));
}

ApiError body_too_large_error(const std::string& call, const std::string& flow, const WireResponse& answer,
                              AnswerKind kind, std::size_t limit) {
  return ApiError(call, flow, answer.status, "response.too.large",
                  std::string("the server sent ") + describe(kind) + " of more than " + describe_size(limit) +
                      " for " + call + "; refused without reading the rest, and not asked for again",
                  answer.correlation_id);
}

}  // namespace flowlink::genesys
