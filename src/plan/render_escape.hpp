#pragma once
// How renderers make org-supplied text (flow and module names, ids, versions,
// dates, user names, error messages) safe for where it goes. Every renderer
// in src/plan (text, Markdown, JUnit, the module report) escapes through
// these and nothing else; each starts from util::terminal_safe, flowlink's one
// escaping of text it did not write, and adds what its format needs.

#include <string>
#include <string_view>

namespace flowlink::plan {

// For a terminal: util::terminal_safe (C0 controls such as ESC, CR and LF, and
// DEL shown as \xNN; C1 controls such as U+009B and bidi controls such as
// U+202E as \u{..}; bytes that are not UTF-8 as \xNN).
std::string escape_terminal(std::string_view text);

// For Markdown: escape_terminal, then nothing that breaks a table (|) or
// opens HTML (<, >, &).
std::string escape_markdown(std::string_view text);

// A Markdown code span (escape_markdown inside) that survives backticks.
std::string markdown_code(std::string_view text);

// For XML text and attribute values: escape_terminal (so no character XML
// 1.0 forbids, and valid UTF-8), then &, <, >, " and ' as entities.
std::string escape_xml(std::string_view text);
// Only XML's five special characters, for text flowlink wrote itself or
// render_text already made terminal-safe.
std::string escape_xml_specials(std::string_view text);

}  // namespace flowlink::plan
