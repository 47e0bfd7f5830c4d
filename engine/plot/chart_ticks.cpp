#include "plot/chart_ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cw {

double niceStep(double rough) {
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    const double fraction = rough / magnitude;
    const double nice = fraction <= 1.0 + 1e-9 ? 1
                        : fraction <= 2 + 1e-9 ? 2
                        : fraction <= 5 + 1e-9 ? 5
                                               : 10;
    return nice * magnitude;
}

std::string formatTick(double value, double step, double magnitude) {
    if (std::abs(value) < step * 1e-6) return "0";  // no "-0" or "1e-17" from rounding
    magnitude = std::max({magnitude, std::abs(value), step});
    const int stepExponent = static_cast<int>(std::floor(std::log10(step) + 1e-9));
    char buffer[64];
    if (magnitude >= 1e6 || magnitude < 1e-3) {  // one exponent for the whole axis
        const int exponent = static_cast<int>(std::floor(std::log10(magnitude) + 1e-9));
        const int decimals = std::clamp(exponent - stepExponent, 0, 6);
        std::snprintf(buffer, sizeof buffer, "%.*fe%d", decimals, value / std::pow(10.0, exponent),
                      exponent);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.*f", std::clamp(-stepExponent, 0, 12), value);
    }
    return buffer;
}

ChartAxis linearAxis(double lo, double hi, int targetTicks) {
    if (lo > hi) std::swap(lo, hi);
    if (hi - lo <= std::max(std::abs(lo), std::abs(hi)) * 1e-12) {
        const double half = lo == 0.0 ? 1.0 : std::abs(lo) * 0.1;
        lo -= half;
        hi += half;
    }
    const double step = niceStep((hi - lo) / std::max(targetTicks, 1));
    // A relative slack keeps data that sits on a tick from spilling into one more step.
    const auto first = static_cast<long long>(std::floor(lo / step + 1e-9));
    const auto last = static_cast<long long>(std::ceil(hi / step - 1e-9));
    ChartAxis axis;
    axis.lo = static_cast<double>(first) * step;
    axis.hi = static_cast<double>(last) * step;
    for (long long k = first; k <= last; ++k) axis.ticks.push_back(static_cast<double>(k) * step);
    const double magnitude = std::max(std::abs(axis.lo), std::abs(axis.hi));
    for (double tick : axis.ticks) axis.labels.push_back(formatTick(tick, step, magnitude));
    return axis;
}

ChartAxis logAxis(double lo, double hi, int maxTicks) {
    if (lo > hi) std::swap(lo, hi);
    int first = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
    int last = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
    if (last <= first) last = first + 1;
    const int every =
        std::max(1, (last - first + std::max(maxTicks, 1) - 1) / std::max(maxTicks, 1));
    first = static_cast<int>(std::floor(static_cast<double>(first) / every)) * every;
    last = static_cast<int>(std::ceil(static_cast<double>(last) / every)) * every;
    ChartAxis axis;
    axis.log = true;
    axis.lo = std::pow(10.0, first);
    axis.hi = std::pow(10.0, last);
    for (int e = first; e <= last; ++e) {
        if ((e - first) % every == 0) {
            axis.ticks.push_back(std::pow(10.0, e));
            axis.labels.push_back(
                e >= -3 && e <= 5
                    ? formatTick(axis.ticks.back(), std::pow(10.0, std::min(e, 0)), 1.0)
                    : "1e" + std::to_string(e));
        }
        if (every == 1 && e < last)
            for (int m = 2; m <= 9; ++m) axis.minorTicks.push_back(m * std::pow(10.0, e));
    }
    return axis;
}

}  // namespace cw
