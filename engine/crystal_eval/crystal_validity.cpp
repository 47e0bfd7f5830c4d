#include "crystal_eval/crystal_validity.h"

#include <cmath>
#include <limits>
#include <set>

#include "core/parallel.h"
#include "crystal/elements.h"

namespace cw {
namespace {

/// pymatgen's Structure.density: u/Å³ → g/cm³.
constexpr double kGramPerCm3PerUPerA3 = 1.66053906660;

}  // namespace

std::string CrystalValidity::reason() const {
    if (!structural.valid) return std::string(structuralReasonName(structural.reason));
    if (!composition.valid) return "composition";
    return "";
}

CrystalValidity crystalValidity(const GeneratedCrystal& crystal) {
    CrystalValidity result;
    result.structural = structuralValidity(crystal);
    result.composition = compositionValidity(crystal.atomicNumbers);
    result.elementCount = static_cast<int>(
        std::set<int>(crystal.atomicNumbers.begin(), crystal.atomicNumbers.end()).size());
    // Volume is known once the cell was built (valid, too small, or atoms too close).
    if (std::isnan(result.structural.volumeA3)) {
        result.densityGPerCm3 = std::numeric_limits<double>::quiet_NaN();
    } else {
        double massU = 0;
        for (int z : crystal.atomicNumbers) massU += element(z).massU;
        result.densityGPerCm3 = massU / result.structural.volumeA3 * kGramPerCm3PerUPerA3;
    }
    return result;
}

std::vector<CrystalValidity> crystalValidity(const std::vector<GeneratedCrystal>& crystals,
                                             int threads) {
    std::vector<CrystalValidity> results(crystals.size());
    parallelFor(crystals.size(), threads,
                [&](std::size_t i) { results[i] = crystalValidity(crystals[i]); });
    return results;
}

}  // namespace cw
