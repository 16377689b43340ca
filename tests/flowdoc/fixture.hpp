#pragma once
// Loading the real Architect fixture for flowdoc tests.
#include <fstream>
#include <sstream>
#include <string>

#include "flowdoc/document.hpp"

namespace flowdoc_test {

inline const std::string kFixturePath = FLOWLINK_FIXTURES_DIR "/architect/cache-example.inboundcall.json";

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline flowlink::flowdoc::Document load_fixture() {
  return flowlink::flowdoc::Document::parse(read_text(kFixturePath), kFixturePath);
}

// "" when equal, else where two (long) texts first differ: keeps failure
// output readable where comparing whole documents would print 90 kB.
inline std::string first_difference(const std::string& actual, const std::string& expected) {
  if (actual == expected) return {};
  std::size_t at = 0;
  while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
  std::size_t from = at < 60 ? 0 : at - 60;
  return "at offset " + std::to_string(at) + ":\n  actual:   ..." + actual.substr(from, 160) +
         "\n  expected: ..." + expected.substr(from, 160);
}

// Action ids in the fixture, by trackingId, for readable tests.
namespace cache_example {
inline const std::string kTask = "f73ccd2e-079f-4056-9ea2-1db2f5a807bd";
inline const std::string kLookup = "9debd0e6-c214-4f31-962a-9ce1bf1981fc";          // #11, task start
inline const std::string kNeedsUpdate = "834370a3-63a5-49f5-830d-eea8014f109c";     // #12, Found branch of #11
inline const std::string kDecision16 = "ac9a5244-1c6c-4da9-93e9-370d15d5265b";      // #16, after #11
inline const std::string kDataAction17 = "eb0e4414-6052-4d36-a8d6-98f6e05bdb3d";    // #17, Yes branch of #16
inline const std::string kUpdate18 = "afea648c-1fde-4e07-ae8e-de18e0de2ab1";        // #18, Success of #17
inline const std::string kGoToQueue = "7d7d4115-2e00-45ae-8d21-7f4eb05a9062";       // #25, after #16
inline const std::string kPlayAudio = "cae67b3b-604f-498d-9ef8-fbf8ba51a5d7";       // #27, after #25
inline const std::string kDisconnect = "89e3ac82-5fea-4f39-a6ca-47cd6b894bb1";      // #28, after #27
}  // namespace cache_example

}  // namespace flowdoc_test
