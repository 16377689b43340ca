#pragma once
// The one escaping function for text flowlink did not write (flow names,
// server ids and messages, manifest values) on its way to a terminal, a log
// or a one-line report: nothing in it can move the cursor, recolour, erase,
// ring, start a new line or reorder what follows.
//   C0 controls (ESC, CR, LF, BEL, ...) and DEL  -> \xNN
//   C1 controls U+0080..U+009F (CSI U+009B ...)   -> \u{9b}
//   bidi controls U+061C, U+200E/F, U+202A..U+202E, U+2066..U+2069 -> \u{202e}
//   bytes that are not UTF-8                      -> \xNN
// Everything else (any printable character, any script) is kept.

#include <string>
#include <string_view>

namespace flowlink::util {

std::string terminal_safe(std::string_view text);

}  // namespace flowlink::util
