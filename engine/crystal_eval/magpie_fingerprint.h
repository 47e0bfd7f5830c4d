#pragma once
/// @file The Magpie composition fingerprint of CDVAE's coverage metric: matminer 0.7.3
/// ElementProperty.from_preset("magpie") (22 element properties × minimum, maximum, range,
/// mean, avg_dev, mode) and CDVAE's fixed CompScaler standardisation. Spec:
/// docs/spec/crystal-generation.md §4; tables: resources/magpie/ (matminer, BSD; CDVAE, MIT).

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "crystal/structure.h"

namespace cw {

inline constexpr int kMagpieFingerprintLength = 132;
/// Property-major: the 6 statistics of Number, then of MendeleevNumber, … (matminer's order).
using MagpieFingerprint = std::array<double, kMagpieFingerprintLength>;

/// matminer's labels: "MagpieData minimum Number", "MagpieData maximum Number", …
const std::vector<std::string>& magpieFeatureLabels();

/// The raw fingerprint of a composition given as (atomic number, amount) pairs, distinct
/// elements in the composition's order (amounts need not be normalised). A missing table
/// value is NaN and propagates into minimum, maximum, range, mean and avg_dev, and into mode
/// when an element tied for the largest amount (numpy isclose: rtol 1e-5, atol 1e-8) lacks
/// it; mode is the smallest tied value. Sums run in numpy's order, so the values are
/// bit-for-bit matminer's for compositions of fewer than 128 elements. Thread-safe.
/// Throws ValueError for an empty composition, an atomic number outside 1…118, a repeated
/// element or an amount that is not positive and finite.
MagpieFingerprint magpieFingerprint(const std::vector<std::pair<int, double>>& amounts);

/// CDVAE's composition: the count of each element (occupancies summed), elements in order of
/// first appearance. Throws ValueError for an empty structure.
MagpieFingerprint magpieFingerprint(const Structure& structure);

/// CDVAE's CompScaler: (x − μ) / σ with its fixed means and deviations; NaN becomes 0.
MagpieFingerprint scaleMagpieFingerprint(const MagpieFingerprint& raw);

}  // namespace cw
