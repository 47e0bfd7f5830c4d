#include "crystal_eval/structure_matcher.h"

#include <Eigen/LU>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <numeric>

#include "core/error.h"
#include "crystal_eval/lattice_mappings.h"
#include "crystal_eval/linear_assignment.h"
#include "crystal_eval/lll_reduction.h"
#include "crystal_eval/primitive_cell.h"

namespace cw {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kInf = std::numeric_limits<double>::infinity();

// The 27 images (-1, 0, 1)³ in pymatgen's order (a slowest).
struct ImageTable {
    std::array<Eigen::Vector3d, 27> frac;
    ImageTable() {
        int k = 0;
        for (int a = -1; a <= 1; ++a)
            for (int b = -1; b <= 1; ++b)
                for (int c = -1; c <= 1; ++c) frac[k++] = Eigen::Vector3d(a, b, c);
    }
};
const ImageTable kImages;

// Row norms of the reciprocal basis including 2π (pymatgen's reciprocal_lattice.abc).
Eigen::Vector3d reciprocalLengths(const Eigen::Matrix3d& rows) {
    const Eigen::Matrix3d reciprocal = rows.inverse().transpose() * 2 * kPi;
    return {reciprocal.row(0).norm(), reciprocal.row(1).norm(), reciprocal.row(2).norm()};
}

// C's round (half away from zero) and floor without a libm call; beyond 4e15 every double is an
// integer already.
inline double roundHalfAway(double x) {
    if (!(std::abs(x) < 4e15)) return std::round(x);
    const double t = static_cast<double>(static_cast<long long>(x));
    const double rest = x - t;  // exact
    return rest >= 0.5 ? t + 1 : rest <= -0.5 ? t - 1 : t;
}

inline double floorOf(double x) {
    if (!(std::abs(x) < 4e15)) return std::floor(x);
    const double t = static_cast<double>(static_cast<long long>(x));
    return t > x ? t - 1 : t;
}

Eigen::Vector3d rowTimes(const Eigen::Vector3d& f, const Eigen::Matrix3d& m) {
    return (f.transpose() * m).transpose();
}

// The best candidate so far: its score (max or RMS distance) and both distances.
struct Candidate {
    double score = kInf;
    double rms = kInf;
    double maxDistance = kInf;
};

enum class Goal { firstFit, lowestRms };

// Buffers of one thread, so that matching many pairs does not allocate.
struct MatchWorkspace {
    std::vector<LatticeMapping> mappings;
    std::vector<Eigen::Vector3d> cart1, fc1, shifted2, lllFc1, lllCart1, lllFc2, lllCart2;
    std::vector<Eigen::Vector3d> vectors;
    std::vector<double> d2;
    std::vector<int> assignment;
    std::vector<int> translationSites;
    // s1 sites ordered by element (stable), and for each s2 site the range of its element.
    std::vector<int> s1ByElement, sameElementBegin, sameElementEnd;
    LinearAssignmentSolver solver;
};

MatchWorkspace& matchWorkspace() {
    thread_local MatchWorkspace ws;
    return ws;
}

// The distances of one translation (pymatgen's _cart_dists with pbc_shortest_vectors): shortest
// vectors from each shifted s2 site to each same-element s1 site among the 27 images of the
// average cell's LLL basis, skipping pairs beyond `lllFracTol` per LLL axis; the assignment
// minimising Σ|v|²; then the rigid shift removed. Returns false when no assignment avoids the
// skipped pairs (pymatgen's 1e20 entries: never a match).
bool translationDistances(std::size_t n, const LllReduction& lll, const Eigen::Matrix3d& lllInverse,
                          const std::array<Eigen::Vector3d, 27>& imageCart,
                          const Eigen::Vector3d& lllFracTol, double normalization,
                          MatchWorkspace& ws, double& rms, double& maxDistance) {
    // Rows: s2 sites (fcoords1 in pymatgen); columns: s1 sites (fcoords2).
    for (std::size_t i = 0; i < n; ++i) {
        ws.lllFc2[i] = rowTimes(ws.shifted2[i], lllInverse);
        Eigen::Vector3d wrapped;
        for (int k = 0; k < 3; ++k) wrapped[k] = pythonModOne(ws.lllFc2[i][k]);
        ws.lllCart2[i] = rowTimes(wrapped, lll.rows);
    }
    std::fill(ws.d2.begin(), ws.d2.end(), kInf);  // other elements: never paired
    for (std::size_t i = 0; i < n; ++i) {
        for (int r = ws.sameElementBegin[i]; r < ws.sameElementEnd[i]; ++r) {
            const std::size_t j =
                static_cast<std::size_t>(ws.s1ByElement[static_cast<std::size_t>(r)]);
            bool within = true;
            for (int l = 0; l < 3 && within; ++l) {
                const double fdist = ws.lllFc1[j][l] - ws.lllFc2[i][l];
                within = !(std::abs(fdist - roundHalfAway(fdist)) > lllFracTol[l]);
            }
            if (!within) continue;
            const Eigen::Vector3d pre = ws.lllCart1[j] - ws.lllCart2[i];
            double best = 1e100;
            int bestImage = 0;
            for (int k = 0; k < 27; ++k) {
                const double da = pre[0] + imageCart[k][0];
                const double db = pre[1] + imageCart[k][1];
                const double dc = pre[2] + imageCart[k][2];
                const double d = da * da + db * db + dc * dc;
                if (d < best) {
                    best = d;
                    bestImage = k;
                }
            }
            ws.d2[i * n + j] = best;
            ws.vectors[i * n + j] = pre + imageCart[bestImage];
        }
    }
    if (!std::isfinite(ws.solver.solve(ws.d2.data(), n, ws.assignment))) return false;
    Eigen::Vector3d mean = Eigen::Vector3d::Zero();
    for (std::size_t i = 0; i < n; ++i) mean += ws.vectors[i * n + ws.assignment[i]];
    mean /= static_cast<double>(n);
    double sumSquares = 0;
    maxDistance = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d =
            std::sqrt((ws.vectors[i * n + ws.assignment[i]] - mean).squaredNorm()) * normalization;
        sumSquares += d * d;
        maxDistance = std::max(maxDistance, d);
    }
    rms = std::sqrt(sumSquares) / std::sqrt(static_cast<double>(n));
    return true;
}

// pymatgen's _strict_match with fu = 1 after _preprocess's volume scaling. For firstFit it stops
// at the first candidate whose max distance is below stol (break_on_match); for lowestRms it
// keeps the lowest RMS, stopping only at one below 1e-5.
std::optional<Candidate> strictMatch(const ReducedStructure& s1, const ReducedStructure& s2,
                                     const MatcherTolerances& tol, Goal goal) {
    if (s1.compositionKey != s2.compositionKey || s1.siteCount != s2.siteCount) return std::nullopt;
    const std::size_t n = s1.siteCount;
    MatchWorkspace& ws = matchWorkspace();

    // Both cells scaled to volume √(V₁V₂) (pymatgen's scale=True with supercell size 1).
    const double ratio = std::pow(s2.volumeA3 / s1.volumeA3, 1.0 / 6.0);
    const Eigen::Matrix3d rows1 = s1.cell.rows * ratio;
    const Eigen::Matrix3d rows2 = s2.cell.rows / ratio;
    const LatticeShape shape2 = latticeShape(rows2);

    LatticeMappingQuery query;
    query.ltol = tol.ltol;
    query.angleTolDeg = tol.angleTolDeg;
    query.unimodularOnly = true;
    findLatticeMappings(rows1, shape2, query, ws.mappings);
    if (ws.mappings.empty()) return std::nullopt;

    // The anchor: the first s2 site with the most s1 sites of other elements (the rarest
    // element); it is put on each s1 site of its element in turn.
    std::size_t anchor = 0;
    std::size_t mostOthers = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t others = 0;
        for (std::size_t j = 0; j < n; ++j) others += s1.cell.z[j] != s2.cell.z[i];
        if (i == 0 || others > mostOthers) {
            mostOthers = others;
            anchor = i;
        }
    }
    ws.translationSites.clear();
    for (std::size_t j = 0; j < n; ++j)
        if (s1.cell.z[j] == s2.cell.z[anchor]) ws.translationSites.push_back(static_cast<int>(j));

    ws.s1ByElement.resize(n);
    std::iota(ws.s1ByElement.begin(), ws.s1ByElement.end(), 0);
    std::stable_sort(ws.s1ByElement.begin(), ws.s1ByElement.end(), [&](int x, int y) {
        return s1.cell.z[static_cast<std::size_t>(x)] < s1.cell.z[static_cast<std::size_t>(y)];
    });
    ws.sameElementBegin.assign(n, 0);
    ws.sameElementEnd.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const int zi = s2.cell.z[i];
        const auto zOf = [&](int j) { return s1.cell.z[static_cast<std::size_t>(j)]; };
        const auto lo = std::partition_point(ws.s1ByElement.begin(), ws.s1ByElement.end(),
                                             [&](int j) { return zOf(j) < zi; });
        const auto hi =
            std::partition_point(lo, ws.s1ByElement.end(), [&](int j) { return zOf(j) == zi; });
        ws.sameElementBegin[i] = static_cast<int>(lo - ws.s1ByElement.begin());
        ws.sameElementEnd[i] = static_cast<int>(hi - ws.s1ByElement.begin());
    }
    ws.cart1.resize(n);
    ws.fc1.resize(n);
    ws.shifted2.resize(n);
    ws.lllFc1.resize(n);
    ws.lllCart1.resize(n);
    ws.lllFc2.resize(n);
    ws.lllCart2.resize(n);
    ws.vectors.resize(n * n);
    ws.d2.resize(n * n);
    for (std::size_t j = 0; j < n; ++j) ws.cart1[j] = rowTimes(s1.cell.frac[j], rows1);
    const std::vector<Eigen::Vector3d>& fc2 = s2.cell.frac;

    std::optional<Candidate> best;
    for (const LatticeMapping& mapping : ws.mappings) {
        const Eigen::Matrix3d alignedInverse = mapping.aligned.inverse();
        for (std::size_t j = 0; j < n; ++j) {
            Eigen::Vector3d f = rowTimes(ws.cart1[j], alignedInverse);
            for (int k = 0; k < 3; ++k) f[k] -= floorOf(f[k]);
            ws.fc1[j] = f;
        }
        const LatticeShape shape1 = latticeShape(mapping.aligned);
        LatticeShape mean;
        for (int k = 0; k < 3; ++k) {
            mean.lengths[k] = (shape1.lengths[k] + shape2.lengths[k]) / 2;
            mean.anglesDeg[k] = (shape1.anglesDeg[k] + shape2.anglesDeg[k]) / 2;
        }
        const Eigen::Matrix3d average = rowsFromShape(mean);
        const double normalization =
            std::pow(static_cast<double>(n) / cellVolume(average), 1.0 / 3.0);
        const Eigen::Vector3d fracTol =
            reciprocalLengths(average) * tol.stol / (kPi * normalization);

        bool lllReady = false;
        LllReduction lll;
        Eigen::Matrix3d lllInverse;
        std::array<Eigen::Vector3d, 27> imageCart;
        Eigen::Vector3d lllFracTol;

        for (int s1Site : ws.translationSites) {
            const Eigen::Vector3d t = ws.fc1[static_cast<std::size_t>(s1Site)] - fc2[anchor];
            for (std::size_t i = 0; i < n; ++i) ws.shifted2[i] = fc2[i] + t;
            // Pre-filter (is_coord_subset_pbc): every shifted s2 site needs a same-element s1
            // site within fracTol on each axis.
            bool covered = true;
            for (std::size_t i = 0; i < n && covered; ++i) {
                bool found = false;
                for (int j = ws.sameElementBegin[i]; j < ws.sameElementEnd[i] && !found; ++j) {
                    const Eigen::Vector3d& f1 = ws.fc1[static_cast<std::size_t>(
                        ws.s1ByElement[static_cast<std::size_t>(j)])];
                    bool ok = true;
                    for (int k = 0; k < 3 && ok; ++k) {
                        const double d = ws.shifted2[i][k] - f1[k];
                        ok = !(std::abs(d - roundHalfAway(d)) > fracTol[k]);
                    }
                    found = ok;
                }
                covered = found;
            }
            if (!covered) continue;

            if (!lllReady) {
                lll = lllReduce(average);
                lllInverse = lll.mapping.inverse();
                for (int k = 0; k < 27; ++k) imageCart[k] = rowTimes(kImages.frac[k], lll.rows);
                lllFracTol = reciprocalLengths(lll.rows) * tol.stol / (kPi * normalization);
                for (std::size_t j = 0; j < n; ++j) {
                    ws.lllFc1[j] = rowTimes(ws.fc1[j], lllInverse);
                    Eigen::Vector3d wrapped;
                    for (int k = 0; k < 3; ++k) wrapped[k] = pythonModOne(ws.lllFc1[j][k]);
                    ws.lllCart1[j] = rowTimes(wrapped, lll.rows);
                }
                lllReady = true;
            }
            double rms = 0, maxDistance = 0;
            if (!translationDistances(n, lll, lllInverse, imageCart, lllFracTol, normalization, ws,
                                      rms, maxDistance))
                continue;
            const double score = goal == Goal::lowestRms ? rms : maxDistance;
            if (!best || score < best->score) {
                best = Candidate{score, rms, maxDistance};
                if ((goal == Goal::firstFit || score < 1e-5) && score < tol.stol) return best;
            }
        }
    }
    if (best && best->score < tol.stol) return best;
    return std::nullopt;
}

std::string compositionKeyOf(const std::map<int, long>& counts) {
    long divisor = 0;
    for (const auto& [z, count] : counts) divisor = std::gcd(divisor, count);
    std::string key;
    for (const auto& [z, count] : counts) {
        if (!key.empty()) key += ' ';
        key += std::to_string(z) + ':' + std::to_string(count / divisor);
    }
    return key;
}

}  // namespace

ReducedStructure reduceForMatching(const Structure& structure) {
    if (structure.size() == 0) throw ValueError("cannot match a structure without sites");
    MatcherCell cell;
    cell.rows = structure.lattice().matrix();
    if (!cell.rows.allFinite() || !(cellVolume(cell.rows) > 0))
        throw ValueError("cannot match a structure with a degenerate cell");
    std::map<int, long> counts;
    for (const Site& site : structure.sites()) {
        if (site.occupancy != 1.0)
            throw ValueError("the structure matcher compares ordered structures; site '" +
                             site.label + "' has occupancy " + std::to_string(site.occupancy));
        if (!site.frac.allFinite()) throw ValueError("a site has non-finite coordinates");
        cell.z.push_back(site.z);
        cell.frac.push_back(site.frac);
        ++counts[site.z];
    }
    ReducedStructure reduced;
    reduced.cell = pymatgenPrimitiveCell(pymatgenNiggliCell(cell), 0.25);
    reduced.compositionKey = compositionKeyOf(counts);
    reduced.reducedFormula = structure.reducedFormula();
    reduced.siteCount = reduced.cell.z.size();
    reduced.volumeA3 = cellVolume(reduced.cell.rows);
    reduced.volumePerSiteA3 = reduced.volumeA3 / static_cast<double>(reduced.siteCount);
    return reduced;
}

bool fit(const ReducedStructure& s1, const ReducedStructure& s2,
         const MatcherTolerances& tolerances) {
    const std::optional<Candidate> match = strictMatch(s1, s2, tolerances, Goal::firstFit);
    return match && match->score <= tolerances.stol;
}

std::optional<RmsDistance> rmsDistance(const ReducedStructure& s1, const ReducedStructure& s2,
                                       const MatcherTolerances& tolerances) {
    const std::optional<Candidate> match = strictMatch(s1, s2, tolerances, Goal::lowestRms);
    if (!match) return std::nullopt;
    return RmsDistance{match->rms, match->maxDistance};
}

}  // namespace cw
