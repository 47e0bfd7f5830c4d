#pragma once
/// @file The property statistics of generated crystals (docs/spec/crystal-generation.md §5):
/// 1-D Wasserstein distances of density and of the number of distinct elements between a seeded
/// random draw of valid generated crystals and the whole reference set.

#include <cstdint>
#include <vector>

#include "crystal/structure.h"

namespace cw {

struct PropertyDistanceOptions {
    /// Valid generated crystals drawn without replacement (CDVAE: 1,000); 0 takes all.
    std::size_t sampleSize = 1000;
    std::uint64_t seed = 0;  ///< CDVAE's draw is unseeded; here it is reported
};

struct PropertyDistances {
    double densityW1 = 0;       ///< g/cm³
    double elementCountW1 = 0;  ///< number of distinct elements
    std::size_t drawn = 0;      ///< generated crystals in the draw
    /// True when fewer valid crystals than sampleSize exist and all were used (CDVAE refuses
    /// to run then; the figure is then not comparable with the published rows).
    bool fewerThanRequested = false;
};

/// W₁ of density (Σ masses / V, g/cm³, occupancies weighted) and of the distinct-element count.
/// The draw is the first sampleSize of a Fisher–Yates shuffle seeded with `seed`
/// (std::mt19937_64), so one seed gives one draw on every machine. Throws ValueError when
/// either set is empty. Thread-safe.
PropertyDistances propertyDistances(const std::vector<const Structure*>& validGenerated,
                                    const std::vector<const Structure*>& reference,
                                    const PropertyDistanceOptions& options = {});

}  // namespace cw
