#pragma once
// A small fork-join for I/O-bound work: reading flows concurrently from an
// org, applying flows, loading the emulator's org from disk.

#include <cstddef>
#include <functional>

namespace flowlink::util {

// Runs `work(i)` for i in [0, count) on at most `parallelism` threads (the
// calling thread among them); the first exception stops handing out new
// indexes and is rethrown once every thread has finished its item.
void parallel_for(std::size_t count, int parallelism, const std::function<void(std::size_t)>& work);

}  // namespace flowlink::util
