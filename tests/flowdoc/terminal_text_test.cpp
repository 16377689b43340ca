// The one escaping function for org-supplied text on a terminal.
#include <doctest/doctest.h>

#include "util/terminal_text.hpp"

using flowlink::util::terminal_safe;

TEST_CASE("terminal_safe keeps what prints and escapes what could forge output") {
  CHECK(terminal_safe("Inbound_Support_Zürich 日本 ✓") == "Inbound_Support_Zürich 日本 ✓");
  CHECK(terminal_safe("a\x1b[31mred") == "a\\x1b[31mred");
  CHECK(terminal_safe("x\r\nPlan: 0 to add\a") == "x\\x0d\\x0aPlan: 0 to add\\x07");
  CHECK(terminal_safe("del\x7f") == "del\\x7f");
  CHECK(terminal_safe("c1 \xc2\x9b" "31m") == "c1 \\u{9b}31m");            // U+009B, the 8-bit CSI
  CHECK(terminal_safe("abc\xe2\x80\xae" "txt.exe") == "abc\\u{202e}txt.exe");  // RIGHT-TO-LEFT OVERRIDE
  CHECK(terminal_safe("\xe2\x81\xa6isolate") == "\\u{2066}isolate");
  CHECK(terminal_safe("bad \xff\xfe utf8 \xc3") == "bad \\xff\\xfe utf8 \\xc3");
  CHECK(terminal_safe("overlong \xc0\xaf") == "overlong \\xc0\\xaf");
  CHECK(terminal_safe("surrogate \xed\xa0\x80") == "surrogate \\xed\\xa0\\x80");
  CHECK(terminal_safe("") == "");
}
