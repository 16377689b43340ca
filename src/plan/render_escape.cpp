#include "plan/render_escape.hpp"

#include "util/terminal_text.hpp"

namespace flowlink::plan {

std::string escape_terminal(std::string_view text) { return util::terminal_safe(text); }

std::string escape_markdown(std::string_view text) {
  const std::string safe = escape_terminal(text);
  std::string out;
  out.reserve(safe.size());
  for (char c : safe) {
    switch (c) {
      case '|': out += "\\|"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_code(std::string_view text) {
  std::string escaped = escape_markdown(text);
  if (escaped.find('`') == std::string::npos) return "`" + escaped + "`";
  return "`` " + escaped + " ``";
}

std::string escape_xml_specials(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_xml(std::string_view text) { return escape_xml_specials(escape_terminal(text)); }

}  // namespace flowlink::plan
