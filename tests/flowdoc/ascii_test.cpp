// util/ascii: case mapping that only touches A-Z / a-z.
#include <doctest/doctest.h>

#include "util/ascii.hpp"

using namespace flowlink::util;

TEST_CASE("ASCII case mapping leaves everything but letters alone") {
  CHECK(ascii_lower("InboundCall_2-X") == "inboundcall_2-x");
  CHECK(ascii_upper("commonmodule[é]") == "COMMONMODULE[é]");  // UTF-8 bytes untouched
  CHECK(ascii_lower("\xC3\x89") == "\xC3\x89");
  CHECK(ascii_iequals("Content-Length", "content-LENGTH"));
  CHECK_FALSE(ascii_iequals("Content-Length", "Content-Lengt"));
  CHECK_FALSE(ascii_iequals("a@", "a`"));  // '@' and '`' sit beside 'A' and 'a', and are not letters
  CHECK(ascii_iless("content-Length", "Content-Type"));
  CHECK(ascii_iless("ININ-x", "inin-y"));
  CHECK_FALSE(ascii_iless("Retry-After", "retry-after"));
  CHECK(ascii_iless("X", "x-a"));
}
