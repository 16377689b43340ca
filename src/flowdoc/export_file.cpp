// Architect export files: the configuration document, URL-encoded, then
// base64-encoded.
#include <regex>
#include <stdexcept>

#include <fmt/format.h>

#include "flowdoc/document.hpp"
#include "util/encoding.hpp"
#include "util/json_depth.hpp"

namespace flowlink::flowdoc {

std::string decode_architect_export(std::string_view file_text, const std::string& source) {
  std::string json_text;
  try {
    // url_decode turns '+' into a space: safe, since Architect's
    // encodeURIComponent-style encoding writes a literal '+' as %2B.
    json_text = util::url_decode(util::base64_decode(file_text));
  } catch (const std::invalid_argument& e) {
    throw DocumentError(fmt::format("{}: not an Architect export (base64 of URL-encoded JSON): {}", source, e.what()));
  }
  if (util::json_text_depth(json_text, util::kMaxJsonDepth) > util::kMaxJsonDepth) {
    throw DocumentError(util::json_too_deep_message(source));
  }
  if (!Json::accept(json_text)) {
    throw DocumentError(fmt::format("{}: not an Architect export: the decoded content is not JSON", source));
  }
  return json_text;
}

std::string encode_architect_export(std::string_view json_text) {
  return util::base64_encode(util::url_encode(json_text));
}

bool is_architect_export_name(std::string_view filename) {
  static const std::regex kExportName(R"(\.i3[A-Za-z]+$)");
  return std::regex_search(filename.begin(), filename.end(), kExportName);
}

}  // namespace flowlink::flowdoc
