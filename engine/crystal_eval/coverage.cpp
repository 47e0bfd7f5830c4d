#include "crystal_eval/coverage.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/parallel.h"

namespace cw {
namespace {

using Vector = std::vector<double>;

/// The vectors of `crystals` with both fingerprints, by pointer, and their indices.
struct Usable {
    std::vector<const Vector*> structure, composition;
    std::vector<std::size_t> index;
};

Usable usable(const std::vector<CoverageFingerprints>& crystals) {
    Usable out;
    for (std::size_t i = 0; i < crystals.size(); ++i) {
        if (!crystals[i].complete()) continue;
        out.structure.push_back(&*crystals[i].structure);
        out.composition.push_back(&*crystals[i].composition);
        out.index.push_back(i);
    }
    return out;
}

double distance(const Vector& a, const Vector& b) {
    if (a.size() != b.size()) {
        throw ValueError("fingerprints of different lengths (" + std::to_string(a.size()) +
                         " and " + std::to_string(b.size()) + ") cannot be compared");
    }
    double sum = 0;
    for (std::size_t k = 0; k < a.size(); ++k) sum += (a[k] - b[k]) * (a[k] - b[k]);
    return std::sqrt(sum);
}

/// For each vector of `from`, the smallest distance to any vector of `to`.
std::vector<double> nearest(const std::vector<const Vector*>& from,
                            const std::vector<const Vector*>& to, int threads) {
    std::vector<double> out(from.size(), std::numeric_limits<double>::infinity());
    parallelFor(from.size(), threads, [&](std::size_t i) {
        for (const Vector* other : to) out[i] = std::min(out[i], distance(*from[i], *other));
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
    CoverageResult result;
    result.generatedWithFingerprints = g.index.size();
    result.referenceWithFingerprints = t.index.size();
    result.generatedCovers.assign(generated.size(), false);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    result.nearestStructureDistance.assign(generated.size(), nan);
    result.nearestCompositionDistance.assign(generated.size(), nan);
    if (g.index.empty() || t.index.empty()) return result;

    // Recall: each reference crystal's nearest generated ones, structure and composition apart.
    const std::vector<double> recallS = nearest(t.structure, g.structure, threads);
    const std::vector<double> recallC = nearest(t.composition, g.composition, threads);
    std::size_t covered = 0;
    for (std::size_t i = 0; i < recallS.size(); ++i) {
        covered += recallS[i] <= cutoffs.structure && recallC[i] <= cutoffs.composition;
    }
    result.recall = double(covered) / double(reference.size());

    const std::vector<double> precisionS = nearest(g.structure, t.structure, threads);
    const std::vector<double> precisionC = nearest(g.composition, t.composition, threads);
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
