#include "crystal/lattice.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "core/error.h"

namespace cw {
namespace {

constexpr double kDegree = std::numbers::pi / 180.0;

double angleDegrees(const Eigen::Vector3d& u, const Eigen::Vector3d& v) {
    const double c = std::clamp(u.dot(v) / (u.norm() * v.norm()), -1.0, 1.0);
    return std::acos(c) / kDegree;
}

}  // namespace

Lattice::Lattice() : m_rows(Eigen::Matrix3d::Identity()), m_inverse(Eigen::Matrix3d::Identity()) {}

Lattice::Lattice(const Eigen::Matrix3d& rowsAngstrom) : m_rows(rowsAngstrom) {
    if (!m_rows.allFinite()) throw ValueError("lattice matrix has non-finite entries");
    const double det = m_rows.determinant();
    if (!(std::abs(det) >= 1e-8)) {
        throw ValueError("lattice has zero volume (determinant " + std::to_string(det) + " Å³)");
    }
    m_inverse = m_rows.inverse();
}

Lattice Lattice::fromParameters(const LatticeParameters& p) {
    if (!(p.a > 0 && p.b > 0 && p.c > 0)) {
        throw ValueError("lattice lengths must be positive (a, b, c in Å)");
    }
    const double alpha = p.alpha * kDegree, beta = p.beta * kDegree, gamma = p.gamma * kDegree;
    const double val = std::clamp(
        (std::cos(alpha) * std::cos(beta) - std::cos(gamma)) / (std::sin(alpha) * std::sin(beta)),
        -1.0, 1.0);
    const double gammaStar = std::acos(val);
    Eigen::Matrix3d rows;
    rows << p.a * std::sin(beta), 0.0, p.a * std::cos(beta),
        -p.b * std::sin(alpha) * std::cos(gammaStar), p.b * std::sin(alpha) * std::sin(gammaStar),
        p.b * std::cos(alpha), 0.0, 0.0, p.c;
    return Lattice(rows);
}

LatticeParameters Lattice::parameters() const {
    const Eigen::Vector3d a = vector(0), b = vector(1), c = vector(2);
    return {a.norm(), b.norm(), c.norm(), angleDegrees(b, c), angleDegrees(a, c), angleDegrees(a, b)};
}

double Lattice::volume() const { return std::abs(m_rows.determinant()); }

Eigen::Vector3d Lattice::minimumImageVector(const Eigen::Vector3d& f1,
                                            const Eigen::Vector3d& f2) const {
    Eigen::Vector3d df = f2 - f1;
    for (int i = 0; i < 3; ++i) df[i] -= std::round(df[i]);
    Eigen::Vector3d best = toCartesian(df);
    double bestNorm2 = best.squaredNorm();
    // An image n closer than `best` has |(df + n)_i| ≤ |best| · |row i of L⁻ᵀ|, which bounds
    // the search; for reasonable cells the bound is 1 (27 images).
    const double radius = std::sqrt(bestNorm2);
    std::array<int, 3> reach{};
    for (int i = 0; i < 3; ++i) {
        reach[i] = static_cast<int>(std::ceil(radius * m_inverse.col(i).norm() + 0.5));
    }
    for (int i = -reach[0]; i <= reach[0]; ++i) {
        for (int j = -reach[1]; j <= reach[1]; ++j) {
            for (int k = -reach[2]; k <= reach[2]; ++k) {
                const Eigen::Vector3d v = toCartesian(df + Eigen::Vector3d(i, j, k));
                const double n2 = v.squaredNorm();
                if (n2 < bestNorm2) {
                    bestNorm2 = n2;
                    best = v;
                }
            }
        }
    }
    return best;
}

Lattice Lattice::scaledToVolume(double volumeA3) const {
    if (!(volumeA3 > 0) || !std::isfinite(volumeA3)) {
        throw ValueError("target volume must be positive, got " + std::to_string(volumeA3) + " Å³");
    }
    return Lattice(m_rows * std::cbrt(volumeA3 / volume()));
}

}  // namespace cw
