// A small fork-join: `parallelism` threads take indexes from a shared
// counter; the first exception stops hand-out of new indexes and is rethrown
// once every thread has finished the item it was on.

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "util/parallel_for.hpp"

namespace flowlink::util {

void parallel_for(std::size_t count, int parallelism, const std::function<void(std::size_t)>& work) {
  if (count == 0) return;
  std::size_t threads = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, parallelism)));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;

  auto run = [&] {
    while (!failed.load()) {
      std::size_t index = next.fetch_add(1);
      if (index >= count) return;
      try {
        work(index);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };

  if (threads == 1) {
    run();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    try {
      for (std::size_t i = 0; i + 1 < threads; ++i) pool.emplace_back(run);
    } catch (...) {
      // No thread to be had: stop the ones started, then report.
      failed = true;
      for (auto& thread : pool) thread.join();
      throw;
    }
    run();  // the calling thread works too
    for (auto& thread : pool) thread.join();
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace flowlink::util
