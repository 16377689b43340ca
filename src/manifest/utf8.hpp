#pragma once
// UTF-8 validity, shared by the loader (a manifest must be UTF-8 text) and
// the name patterns (globs decode names into characters). Internal to
// src/manifest.

#include <cstddef>
#include <string_view>

namespace flowlink::manifest::detail {

// The length (1 to 4) of the well-formed UTF-8 sequence starting at text[i],
// or 0 if the bytes there are not one: a stray continuation byte, a
// truncated sequence, an overlong form, a surrogate or a code point above
// U+10FFFF. `code_point` receives the decoded character when valid.
inline std::size_t utf8_sequence_length(std::string_view text, std::size_t i, char32_t* code_point = nullptr) {
  if (i >= text.size()) return 0;
  const unsigned char lead = static_cast<unsigned char>(text[i]);
  const std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  char32_t cp = length == 1 ? lead : length == 2 ? (lead & 0x1F) : length == 3 ? (lead & 0x0F) : (lead & 0x07);
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned char next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (next & 0x3F);
  }
  // Overlong forms and surrogates are rejected so every character has one encoding.
  static constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[length] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  if (code_point) *code_point = cp;
  return length;
}

}  // namespace flowlink::manifest::detail
