#include "dataset/resample.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace cw {
namespace {

// Source index pair and weight of the second one for each output coordinate (align_corners =
// false, the left edge clamped as PyTorch does, the right one by clamping the upper neighbour).
struct Tap {
    int i0, i1;
    float w1;
};

std::vector<Tap> bilinearTaps(int n, int m) {
    std::vector<Tap> taps(static_cast<std::size_t>(m));
    const double scale = static_cast<double>(n) / m;
    for (int i = 0; i < m; ++i) {
        const double src = std::max(0.0, (i + 0.5) * scale - 0.5);
        const int i0 = std::min(static_cast<int>(src), n - 1);
        const int i1 = std::min(i0 + 1, n - 1);
        taps[static_cast<std::size_t>(i)] = {i0, i1, static_cast<float>(src - i0)};
    }
    return taps;
}

}  // namespace

void resampleSquare(const float* in, int n, float* out, int m) {
    if (m == n) {
        std::memcpy(out, in, sizeof(float) * static_cast<std::size_t>(n) * n);
        return;
    }
    if (m < n && n % m == 0) {
        const int f = n / m;
        const float norm = 1.0f / static_cast<float>(f * f);
        for (int y = 0; y < m; ++y)
            for (int x = 0; x < m; ++x) {
                float sum = 0.0f;
                for (int dy = 0; dy < f; ++dy) {
                    const float* row = in + static_cast<std::size_t>(y * f + dy) * n + x * f;
                    for (int dx = 0; dx < f; ++dx) sum += row[dx];
                }
                out[static_cast<std::size_t>(y) * m + x] = sum * norm;
            }
        return;
    }
    const std::vector<Tap> taps = bilinearTaps(n, m);
    for (int y = 0; y < m; ++y) {
        const Tap& ty = taps[static_cast<std::size_t>(y)];
        const float* r0 = in + static_cast<std::size_t>(ty.i0) * n;
        const float* r1 = in + static_cast<std::size_t>(ty.i1) * n;
        for (int x = 0; x < m; ++x) {
            const Tap& tx = taps[static_cast<std::size_t>(x)];
            const float top = r0[tx.i0] + tx.w1 * (r0[tx.i1] - r0[tx.i0]);
            const float bottom = r1[tx.i0] + tx.w1 * (r1[tx.i1] - r1[tx.i0]);
            out[static_cast<std::size_t>(y) * m + x] = top + ty.w1 * (bottom - top);
        }
    }
}

}  // namespace cw
