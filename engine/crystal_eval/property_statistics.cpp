#include "crystal_eval/property_statistics.h"

#include <numeric>
#include <random>

#include "core/error.h"
#include "metrics/wasserstein.h"

namespace cw {

PropertyDistances propertyDistances(const std::vector<const Structure*>& validGenerated,
                                    const std::vector<const Structure*>& reference,
                                    const PropertyDistanceOptions& options) {
    if (validGenerated.empty()) {
        throw ValueError("property statistics need at least one valid generated crystal");
    }
    if (reference.empty()) throw ValueError("property statistics need a reference set");
    std::vector<std::size_t> order(validGenerated.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    PropertyDistances result;
    const std::size_t wanted =
        options.sampleSize == 0 ? order.size() : std::min(options.sampleSize, order.size());
    result.fewerThanRequested = options.sampleSize > order.size();
    // A partial Fisher–Yates shuffle: the first `wanted` entries are the draw.
    std::mt19937_64 random(options.seed);
    for (std::size_t i = 0; i < wanted && wanted < order.size(); ++i) {
        std::uniform_int_distribution<std::size_t> pick(i, order.size() - 1);
        std::swap(order[i], order[pick(random)]);
    }
    result.drawn = wanted;

    std::vector<double> density, elements, referenceDensity, referenceElements;
    for (std::size_t i = 0; i < wanted; ++i) {
        const Structure& s = *validGenerated[order[i]];
        density.push_back(s.densityGPerCm3());
        elements.push_back(double(s.elements().size()));
    }
    for (const Structure* s : reference) {
        referenceDensity.push_back(s->densityGPerCm3());
        referenceElements.push_back(double(s->elements().size()));
    }
    result.densityW1 = wasserstein1(density, referenceDensity);
    result.elementCountW1 = wasserstein1(elements, referenceElements);
    return result;
}

}  // namespace cw
