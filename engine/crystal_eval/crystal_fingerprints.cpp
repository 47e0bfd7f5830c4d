#include "crystal_eval/crystal_fingerprints.h"

#include "core/error.h"
#include "core/parallel.h"

namespace cw {

CrystalFingerprints crystalFingerprints(const Structure& structure) {
    CrystalFingerprints out;
    out.structure = crystalNNStructureFingerprint(structure);
    out.composition = magpieFingerprint(structure);
    out.compositionScaled = scaleMagpieFingerprint(out.composition);
    return out;
}

std::vector<FingerprintOutcome> crystalFingerprints(const std::vector<Structure>& structures,
                                                    int threads) {
    std::vector<FingerprintOutcome> outcomes(structures.size());
    parallelFor(structures.size(), resolveThreadCount(threads), [&](std::size_t i) {
        try {
            outcomes[i].fingerprints = crystalFingerprints(structures[i]);
        } catch (const Error& e) {
            outcomes[i].error = e.what();
        }
    });
    return outcomes;
}

}  // namespace cw
