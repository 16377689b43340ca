#pragma once
// Small encodings shared by the core and the shells: hashing, base64, URL
// (percent) encoding.

#include <string>
#include <string_view>

namespace flowlink::util {

std::string sha256_hex(std::string_view data);

std::string base64_encode(std::string_view data);
// Throws std::invalid_argument on a character outside the base64 alphabet.
// Whitespace is ignored.
std::string base64_decode(std::string_view text);

// application/x-www-form-urlencoded style (query strings): '+' decodes to space.
// Throws std::invalid_argument on a bad %-escape.
std::string url_decode(std::string_view text);
// %XX escapes only, '+' stays '+' (URL paths). Throws like url_decode.
std::string percent_decode(std::string_view text);
// Encodes every byte outside [A-Za-z0-9-_.~] as %XX.
std::string url_encode(std::string_view text);

}  // namespace flowlink::util
