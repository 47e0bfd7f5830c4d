#include "crystal_eval/minimum_image_search.h"

#include <Eigen/Geometry>
#include <Eigen/LU>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/error.h"

namespace cw {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
/// LLL needs O(log(longest/shortest)) swaps; a cell of finite doubles is reduced far sooner.
constexpr int kMaxReductionSteps = 100000;
/// Size reduction leaves |μ| ≤ ½ + this: rounding a tie (μ = ±½ in fcc cells) would otherwise
/// flip its sign back and forth.
constexpr double kTieSlack = 1e-9;

/// Gram–Schmidt of the rows: orthogonal rows and the coefficients μ_kj = b_k·b*_j / |b*_j|².
void gramSchmidt(const Eigen::Matrix3d& b, Eigen::Matrix3d& orthogonal, Eigen::Matrix3d& mu) {
    mu.setZero();
    for (int k = 0; k < 3; ++k) {
        Eigen::Vector3d v = b.row(k).transpose();
        for (int j = 0; j < k; ++j) {
            mu(k, j) = b.row(k).dot(orthogonal.row(j)) / orthogonal.row(j).squaredNorm();
            v -= mu(k, j) * orthogonal.row(j).transpose();
        }
        orthogonal.row(k) = v.transpose();
    }
}

/// LLL reduction with δ = 0.75 (Lenstra, Lenstra & Lovász 1982; pymatgen's
/// Lattice.get_lll_reduced_lattice uses the same δ). `basis` and `unimodular` (basis =
/// unimodular · original) are updated together. Stops after kMaxReductionSteps: the distance
/// search stays exact on any basis, only slower.
void reduceLll(Eigen::Matrix3d& basis, Eigen::Matrix3d& unimodular) {
    constexpr double kDelta = 0.75;
    Eigen::Matrix3d orthogonal, mu;
    gramSchmidt(basis, orthogonal, mu);
    int k = 1;
    for (int step = 0; k < 3 && step < kMaxReductionSteps; ++step) {
        for (int j = k - 1; j >= 0; --j) {
            if (std::abs(mu(k, j)) > 0.5 + kTieSlack) {
                const double q = std::round(mu(k, j));
                basis.row(k) -= q * basis.row(j);
                unimodular.row(k) -= q * unimodular.row(j);
                gramSchmidt(basis, orthogonal, mu);
            }
        }
        const double lovasz =
            (kDelta - mu(k, k - 1) * mu(k, k - 1)) * orthogonal.row(k - 1).squaredNorm();
        if (orthogonal.row(k).squaredNorm() >= lovasz) {
            ++k;
        } else {
            basis.row(k).swap(basis.row(k - 1));
            unimodular.row(k).swap(unimodular.row(k - 1));
            gramSchmidt(basis, orthogonal, mu);
            k = std::max(k - 1, 1);
        }
    }
}

/// Lagrange (Gauss) reduction of rows 0 and 1: afterwards |b₁| ≤ |b₂| and |b₁·b₂| ≤ |b₁|²/2
/// (up to kTieSlack). Every step shortens b₂, so it ends. Returns false on non-finite numbers.
bool reducePlane(Eigen::Matrix3d& basis, Eigen::Matrix3d& unimodular) {
    for (int step = 0; step < kMaxReductionSteps; ++step) {
        if (basis.row(0).squaredNorm() > basis.row(1).squaredNorm()) {
            basis.row(0).swap(basis.row(1));
            unimodular.row(0).swap(unimodular.row(1));
        }
        const double ratio = basis.row(0).dot(basis.row(1)) / basis.row(0).squaredNorm();
        if (!(std::abs(ratio) > 0.5 + kTieSlack)) return std::isfinite(ratio);
        const double q = std::round(ratio);
        basis.row(1) -= q * basis.row(0);
        unimodular.row(1) -= q * unimodular.row(0);
    }
    return false;
}

/// A bin of the site search: its index along each reduced axis.
struct BinKey {
    std::int64_t a, b, c;
    bool operator==(const BinKey&) const = default;
};

struct BinKeyHash {
    std::size_t operator()(const BinKey& k) const {
        std::uint64_t h = static_cast<std::uint64_t>(k.a) * 0x9E3779B97F4A7C15ull;
        h ^= static_cast<std::uint64_t>(k.b) + 0x7F4A7C159E3779B9ull + (h << 6) + (h >> 2);
        h ^= static_cast<std::uint64_t>(k.c) + 0x94D049BB133111EBull + (h << 6) + (h >> 2);
        return static_cast<std::size_t>(h);
    }
};

double wrapUnit(double x) {
    x -= std::floor(x);
    return x >= 1.0 ? 0.0 : x;
}

}  // namespace

MinimumImageSearch::MinimumImageSearch(const Eigen::Matrix3d& rowsA) {
    const double det = rowsA.determinant();
    // Squared lengths must be finite too: the reduction works with dot products.
    const bool finite = rowsA.allFinite() && (rowsA * rowsA.transpose()).allFinite();
    if (!finite || !std::isfinite(det) || !(std::abs(det) > 1e-12)) {
        throw ValueError(
            "cannot search periodic images of a flat or non-finite cell (determinant " +
            std::to_string(det) + " Å³)");
    }
    m_reduced = rowsA;
    Eigen::Matrix3d unimodular = Eigen::Matrix3d::Identity();
    reduceLll(m_reduced, unimodular);
    if (!reducePlane(m_reduced, unimodular) || !m_reduced.allFinite() || !unimodular.allFinite()) {
        throw ValueError("cell is too skewed to reduce (determinant " + std::to_string(det) +
                         " Å³)");
    }
    // reduced = U · original, so f = Uᵀ t and t = U⁻ᵀ f; U⁻¹ is an integer matrix.
    m_fracToReduced = unimodular.inverse().transpose().array().round().matrix();

    const Eigen::Vector3d b1 = m_reduced.row(0).transpose(), b2 = m_reduced.row(1).transpose(),
                          b3 = m_reduced.row(2).transpose();
    const Eigen::Vector3d normal = b1.cross(b2).normalized();
    m_b3Height = std::abs(b3.dot(normal));
    m_planeGram << b1.dot(b1), b1.dot(b2), b1.dot(b2), b2.dot(b2);
    m_b3InPlane = m_planeGram.inverse() * Eigen::Vector2d(b3.dot(b1), b3.dot(b2));
    const double volume = std::abs(m_reduced.determinant());
    m_heights << volume / b2.cross(b3).norm(), volume / b3.cross(b1).norm(),
        volume / b1.cross(b2).norm();
    if (!m_b3InPlane.allFinite() || !m_heights.allFinite() || !(m_b3Height > 0)) {
        throw ValueError("cell is too skewed to reduce (determinant " + std::to_string(det) +
                         " Å³)");
    }
}

Eigen::Vector3d MinimumImageSearch::reducedFractional(const Eigen::Vector3d& frac) const {
    Eigen::Vector3d wrapped;
    for (int i = 0; i < 3; ++i) wrapped[i] = wrapUnit(frac[i]);
    Eigen::Vector3d t = m_fracToReduced * wrapped;
    for (int i = 0; i < 3; ++i) t[i] = wrapUnit(t[i]);
    return t;
}

double MinimumImageSearch::distanceBelow(const Eigen::Vector3d& f1, const Eigen::Vector3d& f2,
                                         double cutoffA) const {
    return reducedDistanceBelow(reducedFractional(f2) - reducedFractional(f1), cutoffA);
}

double MinimumImageSearch::reducedDistanceBelow(const Eigen::Vector3d& dt, double cutoffA) const {
    // z = total coefficient of b₃ (dt₃ plus an integer): it alone sets the height |z|·h.
    const double z0 = wrapUnit(dt[2]);
    const double reach = cutoffA / m_b3Height;
    const double first = std::ceil(-reach - z0), last = std::floor(reach - z0);
    double best2 = cutoffA * cutoffA;
    bool found = false;
    for (double k = first; k <= last; ++k) {
        const double z = z0 + k;
        const double height2 = z * z * m_b3Height * m_b3Height;
        if (height2 >= best2) continue;
        const Eigen::Vector2d s(dt[0] + z * m_b3InPlane[0], dt[1] + z * m_b3InPlane[1]);
        const Eigen::Vector2d centre(s[0] - std::round(s[0]), s[1] - std::round(s[1]));
        for (int x1 = -1; x1 <= 1; ++x1) {
            for (int x2 = -1; x2 <= 1; ++x2) {
                const Eigen::Vector2d u = centre + Eigen::Vector2d(x1, x2);
                const double d2 = height2 + u.dot(m_planeGram * u);
                if (d2 < best2) {
                    best2 = d2;
                    found = true;
                }
            }
        }
    }
    return found ? std::sqrt(best2) : kInfinity;
}

MinimumImageSearch::ClosestPair MinimumImageSearch::closestPairBelow(
    const std::vector<Eigen::Vector3d>& frac, double cutoffA) const {
    if (!(cutoffA > 0) || !std::isfinite(cutoffA)) {
        throw ValueError("distance cutoff must be positive and finite, got " +
                         std::to_string(cutoffA) + " Å");
    }
    std::vector<Eigen::Vector3d> t;
    t.reserve(frac.size());
    for (const Eigen::Vector3d& f : frac) t.push_back(reducedFractional(f));

    // Bins at least a cutoff high: a pair closer than the cutoff lies in neighbouring bins.
    // An axis under three bins gets a single one (every site is a neighbour along it).
    std::array<std::int64_t, 3> bins{};
    for (int i = 0; i < 3; ++i) {
        // Past 2^40 bins per axis the fractional coordinates (53-bit) cannot tell bins apart.
        const double count =
            std::min(std::floor(m_heights[i] / cutoffA), double(std::int64_t{1} << 40));
        bins[i] = count >= 3 ? static_cast<std::int64_t>(count) : 1;
    }
    auto binOf = [&](const Eigen::Vector3d& p, int axis) {
        return std::min(static_cast<std::int64_t>(p[axis] * double(bins[axis])), bins[axis] - 1);
    };
    auto key = [](std::int64_t a, std::int64_t b, std::int64_t c) { return BinKey{a, b, c}; };
    auto offsets = [&](int axis) {
        return bins[axis] == 1 ? std::vector<std::int64_t>{0} : std::vector<std::int64_t>{-1, 0, 1};
    };
    const std::vector<std::int64_t> da = offsets(0), db = offsets(1), dc = offsets(2);

    // Until a close pair turns up, the sites seen so far are ≥ cutoff apart, so each has a
    // bounded number of neighbours in its bins; only crowds of close sites make the work
    // quadratic, and for those the closest pair is a nicety: stop refining it past a budget.
    const std::size_t budget = 64 * t.size() + 100000;
    std::size_t tests = 0;
    ClosestPair closest;
    std::unordered_map<BinKey, std::vector<std::size_t>, BinKeyHash> occupied;
    for (std::size_t j = 0; j < t.size(); ++j) {
        const std::int64_t c[3] = {binOf(t[j], 0), binOf(t[j], 1), binOf(t[j], 2)};
        for (std::int64_t oa : da) {
            for (std::int64_t ob : db) {
                for (std::int64_t oc : dc) {
                    const auto found = occupied.find(key((c[0] + oa + bins[0]) % bins[0],
                                                         (c[1] + ob + bins[1]) % bins[1],
                                                         (c[2] + oc + bins[2]) % bins[2]));
                    if (found == occupied.end()) continue;
                    for (std::size_t i : found->second) {
                        if (closest.found && ++tests > budget) {
                            closest.exact = false;
                            return closest;
                        }
                        const double d = reducedDistanceBelow(t[j] - t[i], cutoffA);
                        if (!(d < cutoffA)) continue;
                        const bool better = !closest.found || d < closest.distanceA ||
                                            (d == closest.distanceA &&
                                             std::pair(i, j) < std::pair(closest.i, closest.j));
                        if (better) closest = {true, i, j, d, true};
                    }
                }
            }
        }
        occupied[key(c[0], c[1], c[2])].push_back(j);
    }
    return closest;
}

}  // namespace cw
