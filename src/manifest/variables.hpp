#pragma once
// ${var.NAME} in manifest values: the template syntax and the substitution,
// as pure functions over text. Where a manifest may use a variable, and the
// errors with file:line:col, are the reader's (yaml_reader.hpp); where the
// values come from is the environment's (environment.hpp).
//
// Syntax (as Terraform writes it): `${var.NAME}` is replaced by the value of
// variable NAME; `$${` is a literal `${`; any other `${` is an error (so a
// slip such as `${queue}` or `${var.queue` is never taken literally). A
// value is inserted as it is: it is not scanned for references again.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "manifest/desired_state.hpp"

namespace flowlink::manifest {

// A variable an environment file declares.
struct Variable {
  std::string name;
  std::string value;        // a boolean as "true" / "false"
  bool is_boolean = false;  // written as an unquoted true/false
  SourceLocation location;  // of its key in the environment file
};
using Variables = std::map<std::string, Variable>;

// Variable names: a letter or '_', then letters, digits, '_' or '-'.
bool valid_variable_name(std::string_view name);

// One piece of a template: literal text (escapes already undone) or a
// reference to a variable.
struct TemplatePart {
  enum class Kind { Text, Variable };
  Kind kind = Kind::Text;
  std::string text;         // Text: the literal; Variable: the variable's name
  std::size_t offset = 0;   // where the piece starts in the template (bytes)
  std::string source;       // Variable: the reference as written, "${var.name}"
};

struct ParsedTemplate {
  std::vector<TemplatePart> parts;
  // The first malformed `${`: where it starts (bytes) and what is wrong.
  std::optional<std::pair<std::size_t, std::string>> error;
  bool has_variables() const;
  // Exactly one part, a variable reference: `${var.x}` and nothing else.
  bool is_single_variable() const;
};

ParsedTemplate parse_template(std::string_view text);

// The template's text with each reference replaced by the variable's value.
// Every reference must name a variable in `variables` (the caller reports
// those that do not first).
std::string expand(const ParsedTemplate& parsed, const Variables& variables);

}  // namespace flowlink::manifest
