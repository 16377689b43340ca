// ISO-8601 publish dates as instants (what `flowlink modules` compares).
#include <doctest/doctest.h>

#include "util/iso_time.hpp"

using flowlink::util::parse_iso8601_ms;

TEST_CASE("parse_iso8601_ms: Genesys's datePublished form, to epoch milliseconds") {
  CHECK(parse_iso8601_ms("1970-01-01T00:00:00.000Z") == 0);
  CHECK(parse_iso8601_ms("2026-11-30T05:23:19.022Z") == 1796016199022);
  CHECK(parse_iso8601_ms("2000-02-29T23:59:59.999Z") == 951868799999);  // a leap day
  CHECK(parse_iso8601_ms("1969-12-31T23:59:59.000Z") == -1000);
  CHECK(parse_iso8601_ms("2026-11-30T05:23:19Z") == 1796016199000);      // no fraction
  CHECK(parse_iso8601_ms("2026-11-30T05:23:19.5Z") == 1796016199500);    // a tenth
  CHECK(parse_iso8601_ms("2026-11-30T05:23:19.022999Z") == 1796016199022);  // micro: truncated
  CHECK(parse_iso8601_ms("2026-11-30T05:23:19.022") == 1796016199022);   // no Z
  // Order as instants, not as strings: 9 o'clock is before 10 o'clock.
  CHECK(*parse_iso8601_ms("2026-11-30T09:00:00.000Z") < *parse_iso8601_ms("2026-11-30T10:00:00.000Z"));
  CHECK(*parse_iso8601_ms("2026-11-30T10:00:00.001Z") > *parse_iso8601_ms("2026-11-30T10:00:00.000Z"));
}

TEST_CASE("parse_iso8601_ms refuses what it cannot read as UTC") {
  for (const char* bad : {"", "yesterday", "2026-11-30", "2026-11-30T05:23", "2026-13-01T00:00:00Z",
                          "2026-11-32T00:00:00Z", "2026-11-30T24:00:00Z", "2026-11-30T05:23:19.Z",
                          "2026-11-30T05:23:19+01:00", "2026-11-30T05:23:19.022Zjunk", "2026/11/30T05:23:19Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_iso8601_ms(bad).has_value());
  }
}
