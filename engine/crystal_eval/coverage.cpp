#include "crystal_eval/coverage.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/parallel.h"

namespace cw {
namespace {

using Vector = std::vector<double>;

/// The fingerprints of the crystals that have both, as two contiguous row-major matrices (one
/// row per crystal), and the crystals' indices.
struct Usable {
    std::vector<double> structure, composition;
    std::size_t structureWidth = 0, compositionWidth = 0;
    std::vector<std::size_t> index;
    std::size_t rows() const { return index.size(); }
};

Usable usable(const std::vector<CoverageFingerprints>& crystals) {
    Usable out;
    for (std::size_t i = 0; i < crystals.size(); ++i) {
        if (!crystals[i].complete()) continue;
        const Vector& s = *crystals[i].structure;
        const Vector& c = *crystals[i].composition;
        if (out.index.empty()) {
            out.structureWidth = s.size();
            out.compositionWidth = c.size();
        }
        if (s.size() != out.structureWidth || c.size() != out.compositionWidth) {
            throw ValueError("fingerprints of different lengths cannot be compared (crystal " +
                             std::to_string(i) + ")");
        }
        out.structure.insert(out.structure.end(), s.begin(), s.end());
        out.composition.insert(out.composition.end(), c.begin(), c.end());
        out.index.push_back(i);
    }
    return out;
}

/// Squared distance of two rows, or a value above `bound` as soon as the partial sum passes it:
/// most pairs are far apart, so the nearest-neighbour search reads a few components of them.
double squaredDistanceBelow(const double* a, const double* b, std::size_t width, double bound) {
    double sum = 0;
    std::size_t k = 0;
    for (; k + 8 <= width; k += 8) {
        for (std::size_t j = k; j < k + 8; ++j) sum += (a[j] - b[j]) * (a[j] - b[j]);
        if (sum > bound) return sum;
    }
    for (; k < width; ++k) sum += (a[k] - b[k]) * (a[k] - b[k]);
    return sum;
}

/// For each row of `from`, the smallest Euclidean distance to any row of `to`.
std::vector<double> nearest(const std::vector<double>& from, const std::vector<double>& to,
                            std::size_t width, int threads) {
    const std::size_t rowsFrom = width ? from.size() / width : 0;
    const std::size_t rowsTo = width ? to.size() / width : 0;
    std::vector<double> out(rowsFrom, std::numeric_limits<double>::infinity());
    parallelFor(rowsFrom, threads, [&](std::size_t i) {
        double best = std::numeric_limits<double>::infinity();
        const double* a = from.data() + i * width;
        for (std::size_t j = 0; j < rowsTo; ++j) {
            best = std::min(best, squaredDistanceBelow(a, to.data() + j * width, width, best));
        }
        out[i] = std::sqrt(best);
    });
    return out;
}

}  // namespace

CoverageCutoffs coverageCutoffsFor(const std::string& dataset) {
    if (dataset == "mp20") return {0.4, 10.0};
    if (dataset == "carbon24") return {0.2, 4.0};
    if (dataset == "perov5") return {0.2, 4.0};
    throw ConfigError("unknown data set '" + dataset +
                      "' for the coverage cutoffs: use mp20, perov5 or carbon24");
}

CoverageResult computeCoverage(const std::vector<CoverageFingerprints>& generated,
                               const std::vector<CoverageFingerprints>& reference,
                               const CoverageCutoffs& cutoffs, int threads) {
    if (reference.empty()) throw ValueError("coverage needs a reference set with crystals");
    const Usable g = usable(generated), t = usable(reference);
    if (g.rows() && t.rows() &&
        (g.structureWidth != t.structureWidth || g.compositionWidth != t.compositionWidth)) {
        throw ValueError("generated and reference fingerprints have different lengths");
    }
    CoverageResult result;
    result.generatedWithFingerprints = g.index.size();
    result.referenceWithFingerprints = t.index.size();
    result.generatedCovers.assign(generated.size(), false);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    result.nearestStructureDistance.assign(generated.size(), nan);
    result.nearestCompositionDistance.assign(generated.size(), nan);
    if (g.index.empty() || t.index.empty()) return result;

    // Recall: each reference crystal's nearest generated ones, structure and composition apart.
    const std::vector<double> recallS = nearest(t.structure, g.structure, g.structureWidth, threads);
    const std::vector<double> recallC =
        nearest(t.composition, g.composition, g.compositionWidth, threads);
    std::size_t covered = 0;
    for (std::size_t i = 0; i < recallS.size(); ++i) {
        covered += recallS[i] <= cutoffs.structure && recallC[i] <= cutoffs.composition;
    }
    result.recall = double(covered) / double(reference.size());

    const std::vector<double> precisionS =
        nearest(g.structure, t.structure, g.structureWidth, threads);
    const std::vector<double> precisionC =
        nearest(g.composition, t.composition, g.compositionWidth, threads);
    std::size_t near = 0;
    for (std::size_t i = 0; i < g.index.size(); ++i) {
        const std::size_t crystal = g.index[i];
        result.nearestStructureDistance[crystal] = precisionS[i];
        result.nearestCompositionDistance[crystal] = precisionC[i];
        const bool covers = precisionS[i] <= cutoffs.structure &&
                            precisionC[i] <= cutoffs.composition;
        result.generatedCovers[crystal] = covers;
        near += covers;
    }
    result.precision = double(near) / double(generated.size());
    return result;
}

}  // namespace cw
