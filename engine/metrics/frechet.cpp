// FD after Heusel et al. 2017 (pytorch-fid's calculate_frechet_distance), KID after Bińkowski et
// al. 2018 (clean-fid's kernel_distance).
#include "metrics/frechet.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.h"

namespace cw {
namespace {

double traceSqrtProduct(const Eigen::MatrixXd& s1, const Eigen::MatrixXd& s2, bool* singular) {
    const Eigen::EigenSolver<Eigen::MatrixXd> solver(s1 * s2, false);
    const Eigen::VectorXcd lambda = solver.eigenvalues();
    double largest = 0, smallest = std::numeric_limits<double>::infinity(), sum = 0;
    for (Eigen::Index i = 0; i < lambda.size(); ++i) {
        largest = std::max(largest, std::abs(lambda[i]));
        smallest = std::min(smallest, std::abs(lambda[i]));
        sum += std::sqrt(std::max(lambda[i].real(), 0.0));
    }
    *singular = largest == 0 || smallest <= 1e-12 * largest;
    return sum;
}

std::vector<Eigen::Index> drawRows(std::mt19937_64& rng, Eigen::Index n, Eigen::Index m) {
    std::vector<Eigen::Index> index(static_cast<std::size_t>(n));
    std::iota(index.begin(), index.end(), 0);
    for (Eigen::Index i = 0; i < m; ++i) {
        const auto span = static_cast<std::uint64_t>(n - i);
        // Rejection sampling: std::uniform_int_distribution differs between standard libraries.
        const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                                    std::numeric_limits<std::uint64_t>::max() % span;
        std::uint64_t x;
        do x = rng(); while (x >= limit);
        std::swap(index[i], index[i + static_cast<Eigen::Index>(x % span)]);
    }
    index.resize(static_cast<std::size_t>(m));
    return index;
}

}  // namespace

Gaussian featureStatistics(const Eigen::MatrixXd& features) {
    if (features.rows() < 2) throw ValueError("Feature statistics need at least 2 feature vectors.");
    Gaussian g;
    g.mean = features.colwise().mean().transpose();
    const Eigen::MatrixXd centred = features.rowwise() - g.mean.transpose();
    g.covariance = centred.transpose() * centred / static_cast<double>(features.rows() - 1);
    return g;
}

double frechetDistance(const Eigen::VectorXd& mu1, const Eigen::MatrixXd& sigma1,
                       const Eigen::VectorXd& mu2, const Eigen::MatrixXd& sigma2) {
    const Eigen::Index d = mu1.size();
    if (mu2.size() != d || sigma1.rows() != d || sigma1.cols() != d || sigma2.rows() != d ||
        sigma2.cols() != d) {
        throw ValueError("Fréchet distance: means and covariances have mismatched dimensions.");
    }
    bool singular = false;
    double trSqrt = traceSqrtProduct(sigma1, sigma2, &singular);
    if (singular) {
        const Eigen::MatrixXd eps = Eigen::MatrixXd::Identity(d, d) * 1e-6;
        trSqrt = traceSqrtProduct(sigma1 + eps, sigma2 + eps, &singular);
    }
    return (mu1 - mu2).squaredNorm() + sigma1.trace() + sigma2.trace() - 2 * trSqrt;
}

double frechetDistance(const Eigen::MatrixXd& features1, const Eigen::MatrixXd& features2) {
    if (features1.cols() != features2.cols()) {
        throw ValueError("Fréchet distance: the feature sets have different dimensions.");
    }
    const Gaussian a = featureStatistics(features1), b = featureStatistics(features2);
    return frechetDistance(a.mean, a.covariance, b.mean, b.covariance);
}

double kernelDistance(const Eigen::MatrixXd& features1, const Eigen::MatrixXd& features2,
                      const KidOptions& options) {
    if (features1.cols() != features2.cols()) {
        throw ValueError("Kernel distance: the feature sets have different dimensions.");
    }
    if (options.subsets < 1 || options.maxSubsetSize < 2) {
        throw ValueError("Kernel distance: need at least 1 subset of at least 2 vectors.");
    }
    const Eigen::Index m = std::min<Eigen::Index>(
        {features1.rows(), features2.rows(), static_cast<Eigen::Index>(options.maxSubsetSize)});
    if (m < 2) throw ValueError("Kernel distance: each set needs at least 2 feature vectors.");
    const double d = static_cast<double>(features1.cols());
    std::mt19937_64 rng(options.seed);
    double t = 0;
    for (int s = 0; s < options.subsets; ++s) {
        const auto ix = drawRows(rng, features2.rows(), m);
        const auto iy = drawRows(rng, features1.rows(), m);
        Eigen::MatrixXd x(m, features1.cols()), y(m, features1.cols());
        for (Eigen::Index i = 0; i < m; ++i) {
            x.row(i) = features2.row(ix[i]);
            y.row(i) = features1.row(iy[i]);
        }
        auto cube = [d](const Eigen::MatrixXd& g) {
            return ((g.array() / d + 1.0).cube()).matrix().eval();
        };
        const Eigen::MatrixXd a = cube(x * x.transpose()) + cube(y * y.transpose());
        const Eigen::MatrixXd b = cube(x * y.transpose());
        t += (a.sum() - a.diagonal().sum()) / static_cast<double>(m - 1) -
             b.sum() * 2 / static_cast<double>(m);
    }
    return t / options.subsets / static_cast<double>(m);
}

}  // namespace cw
