#include "crystal_eval/primitive_cell.h"

#include <Eigen/LU>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>

#include "crystal/elements.h"

namespace cw {
namespace {

// The sites of one element, in the order pymatgen groups them.
struct SpeciesGroup {
    int z = 0;
    std::vector<Eigen::Vector3d> frac;
    std::vector<char> nonNeighbours;  // n×n, row-major: may merge in the smaller cell
};

// numpy's round (half to even) without a libm call: adding and removing 1.5·2⁵² rounds to an
// integer in the default rounding mode; larger magnitudes are integers already.
inline double roundHalfEven(double x) {
    constexpr double kShift = 6755399441055744.0;  // 1.5 · 2⁵²
    return std::abs(x) < 4e15 ? (x + kShift) - kShift : x;
}

// |d − round(d)| per axis.
Eigen::Vector3d periodicDistance(const Eigen::Vector3d& d) {
    Eigen::Vector3d out;
    for (int k = 0; k < 3; ++k) out[k] = std::abs(d[k] - roundHalfEven(d[k]));
    return out;
}

bool allBelow(const Eigen::Vector3d& d, const Eigen::Vector3d& tol) {
    return d[0] < tol[0] && d[1] < tol[1] && d[2] < tol[2];
}

std::vector<int> divisors(int n) {
    std::vector<int> out;
    for (int i = 1; i <= n; ++i)
        if (n % i == 0) out.push_back(i);
    return out;
}

// pymatgen's get_hnf: upper-triangular Hermite normal forms [[a,b,c],[0,e,f],[0,0,g]] of
// determinant `det`, in its itertools order.
std::vector<Eigen::Matrix3d> hermiteNormalForms(int det) {
    std::vector<Eigen::Matrix3d> out;
    for (int a : divisors(det)) {
        for (int e : divisors(det / a)) {
            const int g = det / a / e;
            for (int b = 0; b < a; ++b)
                for (int c = 0; c < a; ++c)
                    for (int f = 0; f < e; ++f) {
                        Eigen::Matrix3d m;
                        m << a, b, c, 0, e, f, 0, 0, g;
                        out.push_back(m);
                    }
        }
    }
    return out;
}

std::vector<SpeciesGroup> groupBySymbol(const MatcherCell& cell) {
    std::vector<std::size_t> order(cell.z.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return std::string_view(element(cell.z[x]).symbol) <
               std::string_view(element(cell.z[y]).symbol);
    });
    std::vector<SpeciesGroup> groups;
    for (std::size_t i : order) {
        if (groups.empty() || groups.back().z != cell.z[i]) groups.push_back({cell.z[i], {}, {}});
        groups.back().frac.push_back(cell.frac[i]);
    }
    return groups;
}

// One try of a supercell matrix: the smaller cell, or nothing if the sites do not fall into
// cliques of `size` coinciding sites.
bool tryMatrix(const MatcherCell& cell, const std::vector<SpeciesGroup>& groups,
               const Eigen::Matrix3d& m, const Eigen::Matrix3d& inverseM, int size,
               double tolerance, std::vector<char>& scratch, MatcherCell& smaller) {
    const Eigen::Matrix3d newRows = inverseM * cell.rows;
    Eigen::Vector3d ftol;
    for (int k = 0; k < 3; ++k) ftol[k] = tolerance / newRows.row(k).norm();
    smaller.z.clear();
    smaller.frac.clear();
    for (const SpeciesGroup& group : groups) {
        const std::size_t n = group.frac.size();
        std::vector<Eigen::Vector3d> allFrac(n);
        for (std::size_t i = 0; i < n; ++i)
            allFrac[i] = (group.frac[i].transpose() * m).transpose();
        std::vector<char>& together = scratch;
        together.assign(n * n, 0);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                together[i * n + j] = allBelow(periodicDistance(allFrac[j] - allFrac[i]), ftol) &&
                                      group.nonNeighbours[i * n + j];
        for (std::size_t j = 0; j < n; ++j) {
            int count = 0;
            for (std::size_t i = 0; i < n; ++i) count += together[i * n + j];
            if (count != size) return false;
        }
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t p = 0; p < n; ++p)
                if (together[r * n + p])
                    for (std::size_t q = 0; q < n; ++q)
                        if (together[r * n + q] && !together[p * n + q]) return false;

        std::vector<Eigen::Vector3d> wrapped(n);
        for (std::size_t i = 0; i < n; ++i)
            for (int k = 0; k < 3; ++k) wrapped[i][k] = pythonModOne(allFrac[i][k]);
        std::vector<char> added(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            if (added[i]) continue;
            Eigen::Vector3d coords;
            int members = 0;
            for (std::size_t j = 0; j < n; ++j) {
                if (!together[i * n + j]) continue;
                added[j] = 1;
                if (members == 0) {
                    coords = wrapped[j];
                } else {
                    // Running average of the periodic offsets (pymatgen's formula).
                    Eigen::Vector3d offset = wrapped[j] - coords;
                    for (int k = 0; k < 3; ++k) offset[k] -= roundHalfEven(offset[k]);
                    coords += offset / (members + 1);
                }
                ++members;
            }
            smaller.z.push_back(group.z);
            smaller.frac.push_back(coords);
        }
    }
    smaller.rows = m.inverse() * cell.rows;
    return true;
}

}  // namespace

MatcherCell pymatgenPrimitiveCell(const MatcherCell& cell, double toleranceA) {
    std::vector<SpeciesGroup> groups = groupBySymbol(cell);
    int formulaUnits = 0;
    for (const SpeciesGroup& g : groups)
        formulaUnits = std::gcd(formulaUnits, static_cast<int>(g.frac.size()));
    if (formulaUnits <= 1) return cell;  // no Hermite normal form to try

    Eigen::Vector3d superFtol;
    for (int k = 0; k < 3; ++k) superFtol[k] = toleranceA / cell.rows.row(k).norm();
    const Eigen::Vector3d superFtol2 = superFtol * 2;

    // Approximate periodicities: differences within the smallest group (the first of minimal
    // size) that map every group onto itself within twice the tolerance.
    const SpeciesGroup* smallest = &groups.front();
    for (const SpeciesGroup& g : groups)
        if (g.frac.size() < smallest->frac.size()) smallest = &g;
    std::vector<Eigen::Vector3d> minVecs;
    for (const Eigen::Vector3d& f : smallest->frac) minVecs.push_back(f - smallest->frac.front());
    std::vector<const SpeciesGroup*> bySize;
    for (const SpeciesGroup& g : groups) bySize.push_back(&g);
    std::stable_sort(bySize.begin(), bySize.end(),
                     [](const SpeciesGroup* x, const SpeciesGroup* y) {
                         return x->frac.size() < y->frac.size();
                     });
    std::vector<Eigen::Vector3d> kept;
    for (const SpeciesGroup* g : bySize) {
        for (const Eigen::Vector3d& f : g->frac) {
            kept.clear();
            for (const Eigen::Vector3d& v : minVecs) {
                for (const Eigen::Vector3d& w : g->frac) {
                    if (allBelow(periodicDistance(v - (w - f)), superFtol2)) {
                        kept.push_back(v);
                        break;
                    }
                }
            }
            minVecs.swap(kept);
        }
    }

    // Sites closer than twice the tolerance may not merge with each other.
    for (SpeciesGroup& g : groups) {
        const std::size_t n = g.frac.size();
        g.nonNeighbours.assign(n * n, 0);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                const Eigen::Vector3d d = periodicDistance(g.frac[j] - g.frac[i]);
                g.nonNeighbours[i * n + j] =
                    i == j || d[0] > superFtol2[0] || d[1] > superFtol2[1] || d[2] > superFtol2[2];
            }
    }

    MatcherCell smaller;
    std::vector<char> scratch;
    for (int det : divisors(formulaUnits)) {
        if (det == 1) continue;
        for (const Eigen::Matrix3d& m : hermiteNormalForms(det)) {
            const Eigen::Matrix3d inverseM = m.inverse();
            bool rowsAreTranslations = true;
            for (int r = 0; r < 3 && rowsAreTranslations; ++r) {
                const Eigen::Vector3d row = inverseM.row(r).transpose();
                rowsAreTranslations =
                    std::any_of(minVecs.begin(), minVecs.end(), [&](const Eigen::Vector3d& v) {
                        return allBelow(periodicDistance(row - v), superFtol);
                    });
            }
            if (!rowsAreTranslations) continue;
            if (tryMatrix(cell, groups, m, inverseM, det, toleranceA, scratch, smaller)) {
                return pymatgenNiggliCell(pymatgenPrimitiveCell(smaller, toleranceA));
            }
        }
    }
    return cell;
}

}  // namespace cw
