#pragma once
/// @file Axis ranges and tick marks of the charts: linear axes get "nice" steps of 1, 2 or 5 ×
/// 10^k with the range widened to whole steps; log₁₀ axes get ticks at powers of ten.

#include <string>
#include <vector>

namespace cw {

/// A chart axis: the range shown (values, also on a log axis), the labelled major ticks and, on
/// a log axis, unlabelled minor ticks at 2…9 × 10^k.
struct ChartAxis {
    double lo = 0.0, hi = 1.0;
    bool log = false;
    std::vector<double> ticks;
    std::vector<std::string> labels;  ///< one per tick
    std::vector<double> minorTicks;
};

/// The nice step (1, 2 or 5 × 10^k) nearest above `rough` > 0.
double niceStep(double rough);

/// A linear axis covering [lo, hi] with about `targetTicks` intervals; the range is widened to
/// whole steps (an empty range is first widened around its value). lo and hi must be finite.
ChartAxis linearAxis(double lo, double hi, int targetTicks);

/// A log₁₀ axis over whole decades covering [lo, hi] (both > 0), a tick every decade or, when
/// there are more than `maxTicks` decades, every few decades.
ChartAxis logAxis(double lo, double hi, int maxTicks);

/// The label of a tick at `value` on an axis with step `step` whose largest |value| is
/// `magnitude`: as many decimals as the step needs ("0.25", "40"); when the axis reaches 10⁶ or
/// stays below 10⁻³, one exponent for all its labels ("0.5e6", "1.0e6", "5e-5").
std::string formatTick(double value, double step, double magnitude = 0.0);

}  // namespace cw
