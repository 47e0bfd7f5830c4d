#pragma once
/// @file Distances between two one-dimensional samples and their histograms (docs/spec/metrics.md:
/// the count distributions of generated and real slices).

#include <cstddef>
#include <vector>

namespace cw {

/// First Wasserstein (earth mover's) distance between the empirical distributions of `u` and
/// `v`, as scipy.stats.wasserstein_distance(u, v) without weights: ∫|U(x) − V(x)| dx over the
/// pooled sorted values. Same units as the data. Throws ValueError for an empty sample or a
/// non-finite value. Thread-safe.
double wasserstein1(std::vector<double> u, std::vector<double> v);

/// A histogram as numpy.histogram: `bins` equal bins over [lo, hi], each half-open [a, b) but the
/// last closed; values outside [lo, hi] are not counted.
struct Histogram {
    std::vector<double> edges;        ///< bins + 1 edges
    std::vector<std::size_t> counts;  ///< bins counts
};

/// numpy.histogram(values, bins, range=(lo, hi)). Throws ValueError for bins < 1 or lo ≥ hi
/// (or non-finite bounds). Thread-safe.
Histogram histogram(const std::vector<double>& values, int bins, double lo, double hi);

/// A histogram of integer-valued data (counts of atoms): one unit-wide bin per integer from
/// floor(min) to floor(max) of both samples together, so that two samples share edges
/// (edges at k − 0.5). Returns {first, second}. Throws ValueError for empty input or non-finite
/// values. Thread-safe.
std::pair<Histogram, Histogram> integerHistograms(const std::vector<double>& a,
                                                  const std::vector<double>& b);

}  // namespace cw
