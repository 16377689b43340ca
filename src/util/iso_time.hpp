#pragma once
// ISO-8601 UTC timestamps as Genesys sends them (FlowVersion.datePublished,
// "2026-11-30T05:23:19.022Z"), to epoch milliseconds, so two publish dates
// compare as instants rather than as strings.

#include <cstdint>
#include <optional>
#include <string_view>

namespace flowlink::util {

// "YYYY-MM-DDTHH:MM:SS[.mmm]Z" (a trailing Z or nothing; fractions beyond
// milliseconds are ignored) -> epoch ms. nullopt for anything else,
// including "" and offsets other than Z.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

}  // namespace flowlink::util
