#pragma once
// TensorBoard's scalar smoothing, kept free of Qt and the engine so that it is tested on hand
// values: an exponential moving average with the start-up bias removed.

#include <vector>

namespace cw {

/// The largest smoothing weight: at 1 the average would never move.
inline constexpr double kMaxSmoothingWeight = 0.999;

/// Smooths `values` as TensorBoard's scalar dashboard does (tf_scalar_dashboard's
/// `resmoothDataset`): last_i = w·last_{i−1} + (1 − w)·x_i with last_0 = 0, and
/// smoothed_i = last_i / (1 − w^n) where n counts the finite values so far (the debias, so
/// that the first points are not pulled towards 0). Non-finite values (NaN, ±∞ of a diverged
/// step) are passed through and leave the average untouched. `weight` is clamped to
/// [0, kMaxSmoothingWeight]; 0 returns the values unchanged.
std::vector<double> smoothLoss(const std::vector<double>& values, double weight);

}  // namespace cw
