#include "manifest/variables.hpp"

#include <algorithm>

namespace flowlink::manifest {

namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_letter(c) || is_digit(c) || c == '_' || c == '-'; }

constexpr std::string_view kOpen = "${";
constexpr std::string_view kPrefix = "var.";

void append_text(ParsedTemplate& parsed, std::size_t offset, std::string_view text) {
  if (text.empty()) return;
  if (!parsed.parts.empty() && parsed.parts.back().kind == TemplatePart::Kind::Text) {
    parsed.parts.back().text += text;
    return;
  }
  parsed.parts.push_back(TemplatePart{TemplatePart::Kind::Text, std::string(text), offset, ""});
}

}  // namespace

bool valid_variable_name(std::string_view name) {
  if (name.empty() || !(is_letter(name.front()) || name.front() == '_')) return false;
  return std::all_of(name.begin(), name.end(), is_name_char);
}

bool ParsedTemplate::has_variables() const {
  return std::any_of(parts.begin(), parts.end(),
                     [](const TemplatePart& part) { return part.kind == TemplatePart::Kind::Variable; });
}

bool ParsedTemplate::is_single_variable() const {
  return parts.size() == 1 && parts.front().kind == TemplatePart::Kind::Variable;
}

ParsedTemplate parse_template(std::string_view text) {
  ParsedTemplate parsed;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t dollar = text.find('$', i);
    if (dollar == std::string_view::npos) {
      append_text(parsed, i, text.substr(i));
      break;
    }
    append_text(parsed, i, text.substr(i, dollar - i));
    if (text.substr(dollar, 3) == "$${") {  // the escape: a literal "${"
      append_text(parsed, dollar, kOpen);
      i = dollar + 3;
      continue;
    }
    if (text.substr(dollar, 2) != kOpen) {  // a lone '$'
      append_text(parsed, dollar, "$");
      i = dollar + 1;
      continue;
    }
    const std::size_t name_start = dollar + kOpen.size() + kPrefix.size();
    const std::size_t close = text.find('}', dollar);
    if (text.substr(dollar + kOpen.size(), kPrefix.size()) != kPrefix) {
      parsed.error = {dollar, "'${' starts a variable reference, written ${var.NAME}; write $${ for a literal '${'"};
      return parsed;
    }
    if (close == std::string_view::npos) {
      parsed.error = {dollar, "unterminated variable reference: expected '}' after ${var.NAME"};
      return parsed;
    }
    const std::string_view name = text.substr(name_start, close - name_start);
    if (!valid_variable_name(name)) {
      parsed.error = {dollar, "'" + std::string(name) +
                                  "' is not a variable name (a letter or '_', then letters, digits, '_' or '-')"};
      return parsed;
    }
    parsed.parts.push_back(TemplatePart{TemplatePart::Kind::Variable, std::string(name), dollar,
                                        std::string(text.substr(dollar, close + 1 - dollar))});
    i = close + 1;
  }
  return parsed;
}

std::string expand(const ParsedTemplate& parsed, const Variables& variables) {
  std::string out;
  for (const auto& part : parsed.parts) {
    if (part.kind == TemplatePart::Kind::Text) {
      out += part.text;
      continue;
    }
    auto found = variables.find(part.text);
    if (found != variables.end()) out += found->second.value;
  }
  return out;
}

}  // namespace flowlink::manifest
