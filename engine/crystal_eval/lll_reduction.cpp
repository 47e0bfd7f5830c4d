#include "crystal_eval/lll_reduction.h"

#include <cmath>
#include <utility>

namespace cw {
namespace {

// Gram–Schmidt row `s` of pymatgen's update: coefficients against the earlier orthogonal
// vectors, the orthogonal remainder and its squared norm.
void orthogonalise(int s, const Eigen::Matrix3d& a, Eigen::Matrix3d& b, Eigen::Matrix3d& u,
                   Eigen::Vector3d& m) {
    for (int c = 0; c < s; ++c) u(s, c) = a.col(s).dot(b.col(c)) / m[c];
    Eigen::Vector3d projection = Eigen::Vector3d::Zero();
    for (int c = 0; c < s; ++c) projection += b.col(c) * u(s, c);
    b.col(s) = a.col(s) - projection;
    m[s] = b.col(s).dot(b.col(s));
}

}  // namespace

LllReduction lllReduce(const Eigen::Matrix3d& rows, double delta) {
    // Columns are the basis vectors, as in pymatgen's code.
    Eigen::Matrix3d a = rows.transpose();
    Eigen::Matrix3d b = Eigen::Matrix3d::Zero();  // Gram–Schmidt vectors
    Eigen::Matrix3d u = Eigen::Matrix3d::Zero();  // Gram–Schmidt coefficients
    Eigen::Vector3d m = Eigen::Vector3d::Zero();  // squared norms of b
    for (int i = 0; i < 3; ++i) orthogonalise(i, a, b, u, m);

    Eigen::Matrix3d mapping = Eigen::Matrix3d::Identity();
    int k = 2;
    while (k <= 3) {
        for (int i = k - 1; i >= 1; --i) {
            const double q = std::nearbyint(u(k - 1, i - 1));  // Python's round: half to even
            if (q != 0) {
                a.col(k - 1) -= q * a.col(i - 1);
                mapping.col(k - 1) -= q * mapping.col(i - 1);
                for (int c = 0; c < i - 1; ++c) u(k - 1, c) -= q * u(i - 1, c);
                u(k - 1, i - 1) -= q;
            }
        }
        const double uk = std::abs(u(k - 1, k - 2));
        if (b.col(k - 1).dot(b.col(k - 1)) >= (delta - uk * uk) * b.col(k - 2).dot(b.col(k - 2))) {
            ++k;
            continue;
        }
        a.col(k - 1).swap(a.col(k - 2));
        mapping.col(k - 1).swap(mapping.col(k - 2));
        for (int s = k - 1; s <= k; ++s) orthogonalise(s - 1, a, b, u, m);
        if (k > 2) {
            --k;
        } else {
            // pymatgen solves a diagonal least-squares system here: plain division.
            for (int r = k; r < 3; ++r)
                for (int c = k - 2; c < k; ++c) u(r, c) = a.col(r).dot(b.col(c)) / m[c];
        }
    }
    return {a.transpose(), mapping.transpose()};
}

}  // namespace cw
