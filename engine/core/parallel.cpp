#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace cw {

int resolveThreadCount(int requested) {
    if (requested > 0) return requested;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

int freeCpuCores() {
    const int cores = resolveThreadCount(0);
    double load[1] = {0.0};
    if (getloadavg(load, 1) != 1) return cores;
    return std::clamp(cores - static_cast<int>(std::lround(load[0])), 1, cores);
}

void parallelFor(std::size_t count, int threads, const std::function<void(std::size_t)>& body) {
    const auto workers = static_cast<std::size_t>(
        std::min<std::size_t>(static_cast<std::size_t>(resolveThreadCount(threads)), count));
    if (workers <= 1) {
        for (std::size_t i = 0; i < count; ++i) body(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr firstError;
    std::mutex errorMutex;
    auto work = [&] {
        for (std::size_t i = next++; i < count; i = next++) {
            try {
                body(i);
            } catch (...) {
                std::lock_guard lock(errorMutex);
                if (!firstError) firstError = std::current_exception();
                next = count;  // stop handing out work
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
    work();
    for (std::thread& thread : pool) thread.join();
    if (firstError) std::rethrow_exception(firstError);
}

}  // namespace cw
