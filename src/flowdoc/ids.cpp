// Sources of fresh action ids.
#include <cstdint>
#include <memory>
#include <random>

#include <fmt/format.h>

#include "flowdoc/document.hpp"

namespace flowlink::flowdoc {

IdSource random_uuid_source() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine]() {
    std::uint64_t high = (*engine)();
    std::uint64_t low = (*engine)();
    high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
    low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;    // variant 10xx
    return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff, high & 0xffff,
                       low >> 48, low & 0xffffffffffffULL);
  };
}

IdSource sequential_id_source(std::string prefix) {
  // Shared so that copies of the source never hand out the same id twice.
  auto counter = std::make_shared<std::uint64_t>(0);
  return [counter, prefix = std::move(prefix)]() { return fmt::format("{}{:012d}", prefix, ++*counter); };
}

}  // namespace flowlink::flowdoc
