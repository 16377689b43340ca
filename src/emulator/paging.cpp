#include "emulator/paging.hpp"

#include <fmt/format.h>

#include "emulator/errors.hpp"
#include "util/ascii.hpp"
#include "util/encoding.hpp"

namespace flowlink::emulator {

namespace {
int positive_int(const Query& query, const char* key, int fallback, int max) {
  auto value = query.get(key);
  if (!value || value->empty()) return fallback;
  if (value->size() > 9 || !util::is_digits(*value))
    throw errors::bad_request(key, fmt::format("'{}' is not a positive integer", *value));
  const int number = std::stoi(*value);
  if (number < 1) throw errors::bad_request(key, fmt::format("{} must be at least 1", key));
  if (number > max) throw errors::bad_request(key, fmt::format("{} must be at most {}", key, max));
  return number;
}

std::string uri(std::string_view path, const Query& query, int size, int number) {
  std::string out = fmt::format("{}?pageSize={}&pageNumber={}", path, size, number);
  for (const auto& [key, value] : query.items()) {
    if (key == "pageSize" || key == "pageNumber") continue;
    out += "&" + util::url_encode(key) + "=" + util::url_encode(value);
  }
  return out;
}
}  // namespace

PageRequest page_request(const Query& query, int default_size) {
  PageRequest page;
  page.size = positive_int(query, "pageSize", default_size, kMaxPageSize);
  page.number = positive_int(query, "pageNumber", 1, 1000000);
  return page;
}

std::string listing_json(std::string_view path, const Query& query, const PageRequest& page, std::size_t total,
                         const std::vector<std::string_view>& entities) {
  const std::size_t page_count = (total + static_cast<std::size_t>(page.size) - 1) / static_cast<std::size_t>(page.size);
  std::size_t bytes = 256;
  for (auto e : entities) bytes += e.size() + 1;
  std::string out;
  out.reserve(bytes);
  out += "{\"entities\":[";
  for (std::size_t i = 0; i < entities.size(); ++i) {
    if (i) out += ',';
    out += entities[i];
  }
  auto quoted = [](const std::string& text) { return Json(text).dump(); };
  out += fmt::format("],\"pageSize\":{},\"pageNumber\":{},\"total\":{},\"pageCount\":{}", page.size, page.number,
                     total, page_count);
  out += ",\"firstUri\":" + quoted(uri(path, query, page.size, 1));
  out += ",\"selfUri\":" + quoted(uri(path, query, page.size, page.number));
  if (static_cast<std::size_t>(page.number) < page_count)
    out += ",\"nextUri\":" + quoted(uri(path, query, page.size, page.number + 1));
  if (page.number > 1) out += ",\"previousUri\":" + quoted(uri(path, query, page.size, page.number - 1));
  out += ",\"lastUri\":" + quoted(uri(path, query, page.size, std::max<int>(1, static_cast<int>(page_count))));
  out += "}";
  return out;
}

}  // namespace flowlink::emulator
