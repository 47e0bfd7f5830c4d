#pragma once
/// @file Regression metrics of property prediction (docs/spec/metrics.md): MAE, MSE, RMSE,
/// MAPE and R², in the target's own units. Torch-free.

#include <cstddef>
#include <optional>
#include <vector>

namespace cw::ml {

struct RegressionMetrics {
    std::size_t count = 0;   ///< pairs used (NaN truths or predictions are skipped)
    double mae = 0;          ///< mean |ŷ − y|
    double mse = 0;          ///< mean (ŷ − y)²
    double rmse = 0;         ///< √mse
    /// 100 · mean |ŷ − y| / |y| over the pairs with |y| ≥ mapeEpsilon (%); none when every
    /// truth is that small.
    std::optional<double> mape;
    std::size_t mapeExcluded = 0;  ///< pairs left out of MAPE because |y| < mapeEpsilon
    /// 1 − Σ(ŷ − y)² / Σ(y − ȳ)²; none for fewer than 2 pairs or constant truths.
    std::optional<double> r2;
};

/// The metrics of `predicted` against `truth` (same length). Pairs where either is NaN are
/// skipped. Throws ValueError for different lengths or no usable pair.
/// Spearman's rank correlation of two equally long samples (ties get their mean rank); NaN for
/// fewer than 3 pairs or a constant sample. Throws ValueError for different lengths.
double spearmanRankCorrelation(const std::vector<double>& a, const std::vector<double>& b);

RegressionMetrics regressionMetrics(const std::vector<double>& truth, const std::vector<double>& predicted,
                                    double mapeEpsilon = 1e-8);

}  // namespace cw::ml
