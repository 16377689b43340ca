#pragma once
// The ANSI colours of the terminal renderers (render_text, module_report):
// empty strings when colour is off, so callers print them unconditionally.

#include "plan/render.hpp"

namespace flowlink::plan::detail {

struct Palette {
  const char* green = "";
  const char* yellow = "";
  const char* red = "";
  const char* cyan = "";
  const char* magenta = "";
  const char* bold = "";
  const char* reset = "";
};

inline Palette palette(const TextStyle& style) {
  if (!style.color) return {};
  return {"\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[36m", "\x1b[35m", "\x1b[1m", "\x1b[0m"};
}

}  // namespace flowlink::plan::detail
