#include "crystal_eval/pymatgen_niggli.h"

#include <Eigen/LU>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/error.h"
#include "crystal_eval/lattice_mappings.h"
#include "crystal_eval/lll_reduction.h"

namespace cw {
namespace {

// G ← Mᵀ G M, the basis change of a metric tensor.
Eigen::Matrix3d transformed(const Eigen::Matrix3d& g, const Eigen::Matrix3d& m) {
    const Eigen::Matrix3d gm = g * m;
    return m.transpose() * gm;
}

Eigen::Matrix3d integerMatrix(std::initializer_list<double> values) {
    Eigen::Matrix3d m;
    auto it = values.begin();
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) m(r, c) = *it++;
    return m;
}

double signOf(double x) {
    return x / std::abs(x);
}

// pymatgen's l, m, n: 0 within ε of zero, else the sign.
double signOrZero(double x, double eps) {
    return std::abs(x) < eps ? 0.0 : signOf(x);
}

// np.allclose(a, b) with rtol 1e-5, atol 1e-8.
bool allClose(const Eigen::Matrix3d& a, const Eigen::Matrix3d& b) {
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            if (!(std::abs(a(r, c) - b(r, c)) <= 1e-8 + 1e-5 * std::abs(b(r, c)))) return false;
    return true;
}

}  // namespace

double pythonModOne(double x) {
    // fmod(x, 1) is x − trunc(x), exact; numpy then adds 1 to a negative remainder. The integer
    // conversion truncates without a libm call.
    if (!(std::abs(x) < 4e15)) return x == x ? 0.0 : x;  // such doubles are integers (or NaN)
    double mod = x - static_cast<double>(static_cast<long long>(x));
    if (mod < 0) mod += 1.0;
    return mod == 0 ? 0.0 : mod;  // numpy returns +0 for exact multiples
}

Eigen::Matrix3d pymatgenNiggliRows(const Eigen::Matrix3d& rows, double tol) {
    const LllReduction lll = lllReduce(rows);
    const double e = tol * std::pow(cellVolume(rows), 1.0 / 3.0);
    Eigen::Matrix3d g = lll.rows * lll.rows.transpose();

    for (int iteration = 0; iteration < 100; ++iteration) {
        double A = g(0, 0), B = g(1, 1), C = g(2, 2);
        double E = 2 * g(1, 2), N = 2 * g(0, 2), Y = 2 * g(0, 1);
        // pymatgen tests A2 with the values read before A1, and does not restart after A1.
        if (A > B + e || (std::abs(A - B) < e && std::abs(E) > std::abs(N) + e)) {
            g = transformed(g, integerMatrix({0, -1, 0, -1, 0, 0, 0, 0, -1}));  // A1
        }
        if (B > C + e || (std::abs(B - C) < e && std::abs(N) > std::abs(Y) + e)) {
            g = transformed(g, integerMatrix({-1, 0, 0, 0, 0, -1, 0, -1, 0}));  // A2
            continue;
        }
        const double l = signOrZero(E, e), m = signOrZero(N, e), n = signOrZero(Y, e);
        if (l * m * n == 1) {  // A3
            const double i = l == -1 ? -1 : 1, j = m == -1 ? -1 : 1, k = n == -1 ? -1 : 1;
            g = transformed(g, integerMatrix({i, 0, 0, 0, j, 0, 0, 0, k}));
        } else if (l * m * n == 0 || l * m * n == -1) {  // A4
            double i = l == 1 ? -1 : 1, j = m == 1 ? -1 : 1, k = n == 1 ? -1 : 1;
            if (i * j * k == -1) {
                if (n == 0) {
                    k = -1;
                } else if (m == 0) {
                    j = -1;
                } else if (l == 0) {
                    i = -1;
                }
            }
            g = transformed(g, integerMatrix({i, 0, 0, 0, j, 0, 0, 0, k}));
        }
        A = g(0, 0), B = g(1, 1), C = g(2, 2);
        E = 2 * g(1, 2), N = 2 * g(0, 2), Y = 2 * g(0, 1);
        if (std::abs(E) > B + e || (std::abs(E - B) < e && 2 * N < Y - e) ||
            (std::abs(E + B) < e && Y < -e)) {  // A5
            g = transformed(g, integerMatrix({1, 0, 0, 0, 1, -signOf(E), 0, 0, 1}));
            continue;
        }
        if (std::abs(N) > A + e || (std::abs(A - N) < e && 2 * E < Y - e) ||
            (std::abs(A + N) < e && Y < -e)) {  // A6
            g = transformed(g, integerMatrix({1, 0, -signOf(N), 0, 1, 0, 0, 0, 1}));
            continue;
        }
        if (std::abs(Y) > A + e || (std::abs(A - Y) < e && 2 * E < N - e) ||
            (std::abs(A + Y) < e && N < -e)) {  // A7
            g = transformed(g, integerMatrix({1, -signOf(Y), 0, 0, 1, 0, 0, 0, 1}));
            continue;
        }
        const double sum = E + N + Y + A + B;
        if (sum < -e || (std::abs(sum) < e && e < Y + (A + N) * 2)) {  // A8
            g = transformed(g, integerMatrix({1, 0, 1, 0, 1, 1, 0, 0, 1}));
            continue;
        }
        break;
    }

    const double A = g(0, 0), B = g(1, 1), C = g(2, 2);
    const double E = 2 * g(1, 2), N = 2 * g(0, 2), Y = 2 * g(0, 1);
    const double a = std::sqrt(A), b = std::sqrt(B), c = std::sqrt(C);
    const auto degrees = [](double cosine) {
        return std::acos(std::clamp(cosine, -1.0, 1.0)) / std::numbers::pi * 180;
    };
    LatticeShape reduced;
    reduced.lengths = {a, b, c};
    reduced.anglesDeg = {degrees(E / 2 / b / c), degrees(N / 2 / a / c), degrees(Y / 2 / a / b)};
    // pymatgen rebuilds the cell from these parameters and takes the first basis of the input
    // lattice that fits it, which fixes the orientation among equivalent bases.
    const LatticeShape target = latticeShape(rowsFromShape(reduced));
    LatticeMappingQuery query;
    query.ltol = e;
    query.angleTolDeg = 1;
    query.limit = 1;
    std::vector<LatticeMapping> mappings;
    findLatticeMappings(rows, target, query, mappings);
    if (mappings.empty())
        throw ValueError("Niggli reduction failed: no basis fits the reduced cell");
    const Eigen::Matrix3d& aligned = mappings.front().aligned;
    return aligned.determinant() > 0 ? aligned : Eigen::Matrix3d(-aligned);
}

MatcherCell pymatgenNiggliCell(const MatcherCell& cell) {
    const Eigen::Matrix3d reduced = pymatgenNiggliRows(cell.rows);
    if (allClose(reduced, cell.rows)) return cell;
    MatcherCell out;
    out.rows = reduced;
    out.z = cell.z;
    out.frac.resize(cell.frac.size());
    const Eigen::Matrix3d inverse = reduced.inverse();
    for (std::size_t i = 0; i < cell.frac.size(); ++i) {
        const Eigen::RowVector3d cart = cell.frac[i].transpose() * cell.rows;
        const Eigen::RowVector3d f = cart * inverse;
        for (int k = 0; k < 3; ++k) out.frac[i][k] = pythonModOne(f[k]);
    }
    return out;
}

}  // namespace cw
