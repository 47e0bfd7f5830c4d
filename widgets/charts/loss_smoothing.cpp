#include "charts/loss_smoothing.h"

#include <algorithm>
#include <cmath>

namespace cw {

std::vector<double> smoothLoss(const std::vector<double>& values, double weight) {
    const double w = std::clamp(weight, 0.0, kMaxSmoothingWeight);
    std::vector<double> smoothed;
    smoothed.reserve(values.size());
    double last = 0.0;
    int finiteCount = 0;
    for (double x : values) {
        if (!std::isfinite(x)) {
            smoothed.push_back(x);
            continue;
        }
        last = w * last + (1.0 - w) * x;
        ++finiteCount;
        const double debias = w == 0.0 ? 1.0 : 1.0 - std::pow(w, finiteCount);
        smoothed.push_back(last / debias);
    }
    return smoothed;
}

}  // namespace cw
