#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "genesys/flow_api.hpp"

using namespace flowlink::genesys;

TEST_CASE("parallel_for runs every index once on at most `parallelism` threads") {
  std::vector<std::atomic<int>> runs(500);
  std::atomic<int> running{0}, most{0};
  parallel_for(runs.size(), 4, [&](std::size_t i) {
    int now = ++running;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ++runs[i];
    --running;
  });
  for (auto& count : runs) CHECK(count == 1);
  CHECK(most.load() <= 4);
  CHECK(most.load() >= 1);
  parallel_for(0, 4, [](std::size_t) { FAIL("no work expected"); });
}

TEST_CASE("parallel_for rethrows the first exception and stops handing out work") {
  std::atomic<int> done{0};
  CHECK_THROWS_WITH_AS(parallel_for(10000, 3,
                                    [&](std::size_t i) {
                                      if (i == 5) throw std::runtime_error("item 5 failed");
                                      std::this_thread::sleep_for(std::chrono::microseconds(200));
                                      ++done;
                                    }),
                       "item 5 failed", std::runtime_error);
  CHECK(done.load() < 9999);
}
