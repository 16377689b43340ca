#pragma once
// How renderers make org-supplied text (flow and module names, versions,
// dates, division names, error messages) safe for where it goes: the plan
// renderers' rules (render_text.cpp's clean(), render_markdown.cpp's escape()
// and code()), exposed so that other reports (module_report.cpp) escape
// exactly alike. For a terminal it is util::terminal_safe, flowlink's one
// terminal escaping. render_text.cpp and render_markdown.cpp still carry
// file-local copies; tests/plan/module_report_test.cpp checks that they agree
// with these until they call them.

#include <string>
#include <string_view>

namespace flowlink::plan {

// For a terminal: util::terminal_safe (control characters, an ESC in a flow
// name that could forge colours or lines, shown escaped as \xNN; C1 and bidi
// controls, invalid UTF-8 too).
std::string escape_terminal(std::string_view text);

// For Markdown: names must not break a table (|), open HTML (<, >, &) or
// span lines (CR, LF become a space).
std::string escape_markdown(std::string_view text);

// A Markdown code span that survives backticks inside the text.
std::string markdown_code(std::string_view text);

}  // namespace flowlink::plan
