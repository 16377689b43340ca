#include "emulator/listing_cache.hpp"

#include <fmt/format.h>

namespace flowlink::emulator {

namespace {
// Length-prefixed, so that no value can imitate a separator.
void append_field(std::string& key, std::string_view text) {
  key += std::to_string(text.size());
  key += ':';
  key += text;
}

std::string key_without_paging(std::string_view path, const Query& query) {
  std::string key;
  append_field(key, path);
  for (const auto& [name, value] : query.items()) {
    if (name == "pageSize" || name == "pageNumber") continue;
    append_field(key, name);
    append_field(key, value);
  }
  return key;
}
}  // namespace

std::string ordering_key(std::string_view path, const Query& query) { return key_without_paging(path, query); }

std::string page_key(std::string_view path, const Query& query, int page_size, int page_number) {
  return fmt::format("{}/{}|", page_size, page_number) + key_without_paging(path, query);
}

}  // namespace flowlink::emulator
