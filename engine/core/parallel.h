#pragma once
/// @file A minimal parallel loop for batch work (structures, slices) on all cores.

#include <cstddef>
#include <functional>

namespace cw {

/// Number of worker threads to use for `requested` (≤ 0: all hardware threads).
int resolveThreadCount(int requested);

/// Cores not busy with other work: the hardware threads less the one-minute load average
/// (rounded), at least 1. LibTorch's OpenMP teams collapse when they ask for more cores than
/// are free (a 64-image DDIM run took 14.5 min with 2 threads beside other work, under a minute
/// with 1), so its default thread count is this.
int freeCpuCores();

/// Calls body(i) for i in [0, count) on up to `threads` threads (dynamic scheduling, so uneven
/// items balance). Blocks until all are done. If bodies throw, the first exception is rethrown
/// after every thread has stopped; bodies should catch per-item errors themselves.
void parallelFor(std::size_t count, int threads, const std::function<void(std::size_t)>& body);

}  // namespace cw
