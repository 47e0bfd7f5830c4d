#pragma once
/// @file Fréchet distance (FID) and kernel distance (KID) between two sets of feature vectors
/// (docs/spec/metrics.md). Features are rows of an N × d matrix.

#include <Eigen/Core>
#include <cstdint>

namespace cw {

/// Mean and covariance (normalised by N − 1) of the rows of `features`.
struct Gaussian {
    Eigen::VectorXd mean;
    Eigen::MatrixXd covariance;
};

/// The rows' mean and N − 1 covariance. Throws ValueError for fewer than 2 rows. Thread-safe.
Gaussian featureStatistics(const Eigen::MatrixXd& features);

/// FD = |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½), with tr((Σ₁Σ₂)^½) = Σ √max(Re λᵢ, 0) over the
/// eigenvalues of Σ₁Σ₂; when the product is singular (smallest |λ| ≤ 1e-12·largest, or all
/// zero) 1e-6·I is added to both covariances first, as pytorch-fid does. Throws ValueError for
/// mismatched dimensions. Thread-safe.
double frechetDistance(const Eigen::VectorXd& mu1, const Eigen::MatrixXd& sigma1,
                       const Eigen::VectorXd& mu2, const Eigen::MatrixXd& sigma2);

/// frechetDistance of the two feature sets' statistics.
double frechetDistance(const Eigen::MatrixXd& features1, const Eigen::MatrixXd& features2);

/// Options of kernelDistance (clean-fid's defaults).
struct KidOptions {
    int subsets = 100;
    int maxSubsetSize = 1000;
    std::uint64_t seed = 0;  ///< std::mt19937_64 seed of the subset draws
};

/// KID as clean-fid's kernel_distance: for each subset, m = min(N₁, N₂, maxSubsetSize) rows of
/// each set drawn without replacement, the unbiased MMD² with k(x, y) = (xᵀy/d + 1)³; the mean
/// over subsets. Can be negative. When m equals both set sizes every subset is the whole set
/// (the value does not depend on the draw). Throws ValueError for mismatched dimensions, fewer
/// than 2 rows or subsets < 1. Thread-safe.
double kernelDistance(const Eigen::MatrixXd& features1, const Eigen::MatrixXd& features2,
                      const KidOptions& options = {});

}  // namespace cw
