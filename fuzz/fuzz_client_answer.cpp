// What the Genesys client does with a server's answer (src/genesys): the
// bytes cpprest hands over after framing the HTTP response (status, the
// Retry-After and ININ-Correlation-Id headers, the body) go through the same
// steps as in http_transport.cpp and http_flow_api.cpp: the retry decision
// with Retry-After, the ApiError built from an ErrorBody, and the answer
// parsed (depth-bounded) and mapped to the model. A hostile or broken server
// must give a clear error, never a crash or undefined behaviour. The byte
// framing itself is cpprest's (third-party, not instrumented here).
//
// Input: two bytes of status, then the Retry-After value and the correlation
// id each up to a newline, then the body.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "genesys/http_wire.hpp"
#include "genesys/model_json.hpp"
#include "genesys/retry_policy.hpp"
#include "util/json_depth.hpp"

namespace {

std::string take_line(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  std::string line(rest.substr(0, end));
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace flowlink::genesys;
  using std::chrono::milliseconds;
  if (size < 2) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  WireResponse answer;
  answer.status = (data[0] << 8 | data[1]) % 600;
  answer.retry_after = take_line(rest);
  answer.correlation_id = take_line(rest);
  answer.body = std::string(rest);

  RetryPolicy policy(3, milliseconds(100), milliseconds(60'000), milliseconds(30'000), /*seed=*/1);
  const auto retry_after = RetryPolicy::parse_retry_after(answer.retry_after);
  if (retry_after && retry_after->count() < 0) __builtin_trap();
  for (int retries = 0; retries < 4; ++retries) {
    const auto delay = policy.next_delay(retries, answer.status, retry_after, milliseconds(retries * 1000));
    if (delay && (delay->count() < 0 || *delay > policy.budget())) __builtin_trap();
  }

  const ApiError error = api_error_from_answer("GET /api/v2/flows", "flow-id", answer,
                                               [](std::string text) { return text; });
  if (std::string_view(error.what()).empty()) __builtin_trap();

  if (flowlink::util::json_text_depth(answer.body, flowlink::util::kMaxJsonDepth) > flowlink::util::kMaxJsonDepth)
    return 0;
  const Json json = Json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  flow_from_json(json);
  version_from_json(json);
  operation_from_json(json);
  organization_from_json(json);
  dependency_from_json(json);
  if (auto entities = json.find("entities"); json.is_object() && entities != json.end() && entities->is_array())
    for (const Json& entity : *entities) flow_from_json(entity);
  return 0;
}
