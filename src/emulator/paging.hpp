#pragma once
// Genesys paging: pageNumber/pageSize in, an *EntityListing envelope out
// ({entities, pageSize, pageNumber, total, pageCount, firstUri, selfUri,
// nextUri (not on the last page), previousUri (not on the first), lastUri}).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/http_types.hpp"

namespace flowlink::emulator {

inline constexpr int kMaxPageSize = 500;

struct PageRequest {
  int number = 1;
  int size = 25;
  std::size_t first() const { return static_cast<std::size_t>(number - 1) * static_cast<std::size_t>(size); }
};

// Throws ApiFailure 400 naming pageNumber/pageSize when out of range.
PageRequest page_request(const Query& query, int default_size = 25);

// The listing as JSON text; `entities` are already serialized JSON values (the
// ones on this page only). `path` is the listing's own path; the URIs repeat
// the caller's other query parameters.
std::string listing_json(std::string_view path, const Query& query, const PageRequest& page, std::size_t total,
                         const std::vector<std::string_view>& entities);

// Selects the slice of `items` on `page`.
template <typename T>
std::vector<T> page_slice(const std::vector<T>& items, const PageRequest& page) {
  std::vector<T> out;
  for (std::size_t i = page.first(); i < items.size() && out.size() < static_cast<std::size_t>(page.size); ++i)
    out.push_back(items[i]);
  return out;
}

}  // namespace flowlink::emulator
