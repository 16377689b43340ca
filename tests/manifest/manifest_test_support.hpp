#pragma once
// Helpers for the manifest tests: find an error by location and text.

#include <doctest/doctest.h>

#include <string>

#include "manifest/loader.hpp"

namespace flowlink::manifest::testing {

inline std::string all_errors(const LoadResult& result) {
  std::string out;
  for (const auto& e : result.errors) out += e.str() + "\n";
  return out;
}

// True if some error starts with `where` ("file:line:col") and contains
// `fragment` (which may include the key path).
inline bool has_error(const LoadResult& result, const std::string& where, const std::string& fragment) {
  for (const auto& e : result.errors) {
    std::string text = e.str();
    if (text.rfind(where + ": ", 0) == 0 && text.find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace flowlink::manifest::testing

#define CHECK_MANIFEST_ERROR(result, where, fragment)                               \
  do {                                                                              \
    INFO("errors:\n" << ::flowlink::manifest::testing::all_errors(result));         \
    CHECK(::flowlink::manifest::testing::has_error((result), (where), (fragment))); \
  } while (0)
